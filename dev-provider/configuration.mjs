// oidc-provider configuration that makes it look like Okta's custom authorization server
// "default" to @okta/okta-auth-js. Option reference:
// https://github.com/panva/node-oidc-provider/tree/main/docs
import { errors } from 'oidc-provider';

import { stepUpPolicy } from './acr.mjs';
import { scopeClaims } from './accounts.mjs';
import { shapeAccessToken } from './access-tokens.mjs';
import { authorizationCodeSetting, oktaRenderedError } from './app-settings.mjs';
import { createMemoryAdapter } from './memory-adapter.mjs';
import { autoSignOutPage, errorPage, signedOutPage } from './views.mjs';

/** Okta's endpoint paths under the issuer; okta-auth-js builds most of these URLs itself. */
export const ROUTES = Object.freeze({
  authorization: '/v1/authorize',
  token: '/v1/token',
  jwks: '/v1/keys',
  userinfo: '/v1/userinfo',
  end_session: '/v1/logout',
  revocation: '/v1/revoke',
  introspection: '/v1/introspect',
});

/** Okta's dpop_signing_alg_values_supported: the algorithms a DPoP proof may be signed with. */
const DPOP_SIGNING_ALGS = Object.freeze(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);

/** Where the hosted sign-in page lives, under the issuer (see interactions.mjs). */
export const INTERACTION_PREFIX = '/interaction/';

/**
 * The scopes an access token for the API may carry. Okta lists the OpenID scopes in `scp` too, so
 * the resource server accepts them all; a token gets the ones requested and granted.
 */
const API_SCOPES = 'openid profile email offline_access groups';

/**
 * `settings` are withDerivedSettings's. `extraParams` is only set by the fault switch
 * (faults/authorize-faults.mjs), which needs its validators as a hook into valid authorization
 * requests, as does an app without the Authorization Code grant (app-settings.mjs); without
 * either the option keeps its default.
 */
export function buildConfiguration({
  settings,
  issuer,
  signingJwk,
  cookieKeys,
  dpopNonceSecret,
  accounts,
  extraParams,
}) {
  const issuerPath = new URL(issuer).pathname;
  const trustedOrigins = new Set(settings.trustedOrigins);
  const claims = scopeClaims(settings.groupsClaim);
  const hooks = { ...authorizationCodeSetting(settings.grantTypes), ...extraParams };

  return {
    adapter: createMemoryAdapter(),
    findAccount: accounts.findAccount,

    clients: [
      {
        client_id: settings.clientId,
        client_name: 'Dev SPA',
        // A browser SPA is a "web" client (OIDC Dynamic Client Registration §2): redirect URIs
        // must match exactly, and oidc-provider allows http://localhost for web clients using the
        // code flow (it only forbids it with the implicit grant). "native" would be wrong: it
        // accepts any loopback port and forces a consent prompt on every authorization.
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        // Code requests are oidc-provider's only response type, so the authorization code grant
        // stays registered even for an app without it, which app-settings.mjs refuses instead.
        // Without refresh_token, oidc-provider itself drops offline_access from authorization
        // requests (lib/actions/authorization/scopes.js), so no refresh token is issued, as Okta.
        grant_types: [
          'authorization_code',
          ...(settings.grantTypes.includes('refresh_token') ? ['refresh_token'] : []),
        ],
        response_types: ['code'],
        redirect_uris: [...settings.redirectUris],
        post_logout_redirect_uris: [...settings.postLogoutRedirectUris],
        // A second lock behind dpop.mjs: with DPoP required for good, oidc-provider itself refuses
        // a grant without a proof (lib/helpers/sender_constraints.js, checkDpopRequired), should a
        // request ever reach the token endpoint past that middleware. With the fault switch on, the
        // `dpopMode` fault may relax the mode at run time, which client metadata cannot follow, so
        // there dpop.mjs decides alone.
        dpop_bound_access_tokens: settings.dpop === 'required' && !settings.faults,
      },
    ],
    ...(Object.keys(hooks).length > 0 && { extraParams: hooks }),
    // Okta requires redirect_uri on every authorization request.
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: ['none'],
    responseTypes: ['code'],
    // PKCE with S256 for every request (oidc-provider supports no other method).
    pkce: { required: () => true },

    jwks: { keys: [signingJwk] },
    // Okta's dpop_signing_alg_values_supported (also advertised in discovery).
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_SIGNING_ALGS] },
    routes: ROUTES,

    scopes: ['openid', 'offline_access'],
    // `openid` claims reach every ID token; the other keys also declare the scopes profile, email
    // and groups. Okta's ID tokens carry auth_time, amr and idp, and acr when acr_values asked for
    // one (acr.mjs). acr_values_supported stays out of discovery: Okta's is not known to list it.
    claims: { ...claims, openid: ['sub', 'auth_time', 'amr', 'acr', 'idp', ...claims.openid] },
    // Okta puts the profile claims of the granted scopes in the ID token itself; oidc-provider's
    // default would leave them to the userinfo endpoint when an access token is issued too.
    conformIdTokenClaims: false,

    features: {
      devInteractions: { enabled: false },
      // DPoP (RFC 9449) at the token endpoint: a proof binds the access token (`cnf.jkt`,
      // token_type DPoP) and, the client being public, the refresh token to its key
      // (lib/helpers/set_rt_bindings.js). Whether a proof is required, optional or ignored is
      // dpop.mjs's business, before oidc-provider sees the request.
      dPoP: {
        enabled: true,
        nonceSecret: dpopNonceSecret,
        // Okta challenges every first proof with use_dpop_nonce (RFC 9449 §8). oidc-provider only
        // checks proofs at the token endpoint here: okta-compat.mjs answers userinfo itself.
        requireNonce: () => true,
      },
      pushedAuthorizationRequests: { enabled: false },
      // These three are answered by okta-compat.mjs (oidc-provider refuses JWT access tokens
      // there); enabled so that discovery advertises them.
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendHtml(ctx, autoSignOutPage(form)),
        postLogoutSuccessSource: (ctx) => sendHtml(ctx, signedOutPage()),
      },
      // Audience-bound JWT access tokens, as Okta issues for its `api://default` audience.
      resourceIndicators: {
        enabled: true,
        // okta-auth-js sends no `resource`: every request is for the configured audience...
        defaultResource: () => settings.audience,
        // ...and the token request reuses the audience granted at authorization.
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, resourceIndicator) {
          if (resourceIndicator !== settings.audience) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES,
            audience: settings.audience,
            accessTokenTTL: settings.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: { customizers: { jwt: shapeAccessToken } },

    ttl: {
      AccessToken: settings.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: settings.idTokenTtl,
      // A rotated refresh token keeps its predecessor's expiry (as oidc-provider's default does
      // for public clients), so rotation cannot keep a token family alive for ever.
      RefreshToken(ctx) {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        return rotated ? Math.max(1, rotated.remainingTTL) : settings.refreshTokenTtl;
      },
      // Session lifetime is sliding: every visit to the provider saves it again.
      Session: settings.sessionTtl,
      // How long a sign-in page stays usable.
      Interaction: 3600,
      // A grant must outlive the tokens minted from it; sign-ins within a session reuse the grant.
      Grant: settings.refreshTokenTtl + settings.sessionTtl + settings.accessTokenTtl,
    },
    rotateRefreshToken: true,
    // Okta does not revoke tokens when the session ends (okta-auth-js revokes them before
    // logout); oidc-provider would bind tokens without offline_access to the session.
    expiresWithSession: () => false,

    // okta-compat.mjs answers CORS first; this covers the token endpoint's own client-based check.
    clientBasedCORS: (ctx, origin) => trustedOrigins.has(origin),

    cookies: {
      keys: cookieKeys,
      // Cookies ignore ports (RFC 6265 §8.5): every localhost server would see generic names.
      names: {
        session: 'dev_provider_session',
        interaction: 'dev_provider_interaction',
        resume: 'dev_provider_resume',
      },
      // Only the provider's own paths need the session cookie.
      long: { httpOnly: true, sameSite: 'lax', path: issuerPath },
      // SameSite=Lax keeps the interaction cookie off cross-site POSTs: the CSRF protection of
      // the sign-in form (see interactions.mjs).
      short: { httpOnly: true, sameSite: 'lax' },
    },

    interactions: {
      // The login prompt also asks for the second factor that acr_values may require.
      policy: stepUpPolicy(),
      url: (ctx, interaction) => `${issuerPath}${INTERACTION_PREFIX}${interaction.uid}`,
    },

    // Okta's words for what it cannot send back to a redirect URI (app-settings.mjs).
    renderError: (ctx, out) => sendHtml(ctx, errorPage(oktaRenderedError(out))),
  };
}

function sendHtml(ctx, html) {
  ctx.type = 'html';
  ctx.body = html;
}
