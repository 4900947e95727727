// Faults of /v1/authorize, hooked into oidc-provider itself rather than wrapped around it, so that
// they apply only to requests it has found valid and its own code still picks the response mode,
// the registered redirect URI and the `iss` parameter:
// - authorizeError throws from an `extraParams` validator, which oidc-provider runs on every
//   authorization request after all of its own checks (client, redirect_uri, PKCE, scope...) and
//   before the sign-in interaction (lib/actions/authorization/index.js, checkExtraParams). Thrown
//   errors go back to the redirect URI like any other (lib/shared/authorization_error_handler.js).
// - callbackState edits the response parameters in the `authorization.success` event, which
//   oidc-provider emits with the very object it then sends (lib/actions/authorization/respond.js).
import { errors } from 'oidc-provider';

/**
 * The extra parameter whose validator is the hook. oidc-provider accepts it in authorization
 * requests as a consequence, and ignores it: nothing reads it.
 */
const HOOK_PARAMETER = 'dev_provider_fault_hook';

export function authorizeFaults({ state }) {
  return {
    /** For the `extraParams` configuration option. */
    extraParams: {
      [HOOK_PARAMETER]: function authorizeErrorFault() {
        const fault = state.current.authorizeError;
        // An undefined description leaves error_description out of the redirect.
        if (fault) throw new errors.CustomOIDCProviderError(fault.error, fault.description);
      },
    },

    /** For `provider.on('authorization.success', ...)`: runs before the redirect is built. */
    onAuthorizationSuccess(ctx, out) {
      const { callbackState } = state.current;
      if (callbackState === 'tampered') out.state = `${out.state ?? ''}-tampered`;
      if (callbackState === 'missing') delete out.state;
    },
  };
}
