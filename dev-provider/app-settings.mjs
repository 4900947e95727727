// The Okta app's settings that a developer gets wrong (sign-in and sign-out redirect URIs, grant
// types), answered in Okta's words where oidc-provider answers in its own. README.md,
// "Misconfigurations, as Okta answers them", gives the sources of each text.
import { errors } from 'oidc-provider';

/** Okta's error texts, as its org answers them. */
export const OKTA_ERRORS = Object.freeze({
  unknownClient: "Invalid value for 'client_id' parameter.",
  redirectUri:
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
  postLogoutRedirectUri:
    "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
});

/** "The client is not authorized to use the provided grant type. Configured grant types: [...]." */
export function grantTypeRefusal(grantTypes) {
  return `The client is not authorized to use the provided grant type. Configured grant types: [${grantTypes.join(', ')}].`;
}

/** "The response type is not supported by the authorization server. Configured response types: [...]" */
export function responseTypeRefusal(grantTypes) {
  const responseTypes = [
    ...(grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(grantTypes.includes('implicit') ? ['token', 'id_token'] : []),
  ];
  return `The response type is not supported by the authorization server. Configured response types: [${responseTypes.join(', ')}]`;
}

// oidc-provider's words (lib/actions/end_session.js).
const POST_LOGOUT_NOT_REGISTERED = 'post_logout_redirect_uri not registered';

/**
 * oidc-provider's rendered error (`out`: error, error_description), as Okta words it. Okta shows
 * an HTML page with status 400 for the errors it cannot send back to a redirect URI: an unknown
 * client_id, a redirect_uri that is not registered, and a sign-out redirect that is not either.
 */
export function oktaRenderedError(out) {
  if (out.error === 'invalid_client') {
    return { ...out, error_description: OKTA_ERRORS.unknownClient };
  }
  if (out.error === 'invalid_redirect_uri') {
    return { ...out, error: 'invalid_request', error_description: OKTA_ERRORS.redirectUri };
  }
  if (out.error === 'invalid_request' && out.error_description === POST_LOGOUT_NOT_REGISTERED) {
    return { ...out, error_description: OKTA_ERRORS.postLogoutRedirectUri };
  }
  return out;
}

/** oidc-provider's words for a grant the client is not registered for (lib/actions/token.js). */
export const GRANT_NOT_ALLOWED = 'requested grant type is not allowed for this client';

/** The extra parameter whose validator is the hook (see authorizationCodeSetting). */
const HOOK_PARAMETER = 'dev_provider_app_settings_hook';

/**
 * For the `extraParams` configuration option, when the app lacks the Authorization Code grant:
 * oidc-provider still serves code requests for the client (it is the only response type it
 * serves), and this validator, which it runs after its own checks of the client, the redirect URI,
 * PKCE and the scopes, refuses each of them back to the redirect URI with Okta's
 * unsupported_response_type. Undefined when the app has the grant: nothing changes.
 */
export function authorizationCodeSetting(grantTypes) {
  if (grantTypes.includes('authorization_code')) return undefined;
  const description = responseTypeRefusal(grantTypes);
  return {
    [HOOK_PARAMETER]: function refuseCodeRequests() {
      throw new errors.CustomOIDCProviderError('unsupported_response_type', description);
    },
  };
}
