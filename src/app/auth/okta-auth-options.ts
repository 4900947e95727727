import type { OktaAuthOptions } from '@okta/okta-auth-js/core';
import { AuthConfig } from './auth-config';
import { CALLBACK_PATH } from './auth-paths';
import { createTimedHttpClient } from './timed-fetch';

// In the Okta chunk (okta-runtime.ts): only okta-auth-js reads these options.

/**
 * Maps our validated config onto okta-auth-js options. Exported for its unit test.
 *
 * `dpopSupported`: whether this browser can keep a DPoP key (WebCrypto and IndexedDB). Without it,
 * DPoP stays on unless Bearer tokens are allowed, and okta-auth-js then refuses to start a sign-in
 * (describeSignInError says why): an unbound token is never the silent outcome.
 */
export function toOktaAuthOptions(
  config: AuthConfig,
  baseUri: string,
  dpopSupported: boolean,
): OktaAuthOptions {
  return {
    issuer: config.issuer,
    clientId: config.clientId,
    scopes: [...config.scopes],
    redirectUri: new URL(CALLBACK_PATH.slice(1), baseUri).href,
    // Okta compares this exactly with the app's "Sign-out redirect URIs", so no trailing slash.
    postLogoutRedirectUri: new URL(baseUri).origin,
    // Authorization code flow with PKCE: the only flow a public browser client should use (RFC 9700 §2.1.1).
    responseType: 'code',
    pkce: true,
    // A non-extractable key pair in IndexedDB (shared by the origin's tabs, like the tokens), proofs
    // at the token endpoint, and access and refresh tokens bound to that key. okta-auth-js refuses
    // a token response whose token_type is not DPoP unless allowBearerTokens is on.
    dpop: config.dpop && (dpopSupported || !config.dpopAllowBearer),
    dpopOptions: { allowBearerTokens: config.dpopAllowBearer },
    // Tabs share one session through SessionSync (okta-auth-js's syncStorage only works for
    // localStorage, which all tabs share anyway), and SessionSync renews in one tab: okta-auth-js's
    // autoRenew would renew in every tab. Expired tokens stay until renewed or cleared, so a tab
    // that wakes up can still renew with its refresh token.
    tokenManager: {
      storage: config.tokenStorage,
      autoRenew: false,
      autoRemove: false,
      syncStorage: config.tokenStorage === 'localStorage',
    },
    // Keep the PKCE verifier in this tab's sessionStorage only; okta-auth-js would otherwise copy it
    // into localStorage for 30 minutes so that another tab could finish the flow.
    transactionManager: { enableSharedStorage: false },
    httpRequestClient: createTimedHttpClient(config.requestTimeoutSeconds * 1000),
    // okta-auth-js sends `Content-Type: application/json` even on GETs and an analytics header,
    // which make discovery, keys and token requests "non-simple" and cost a CORS preflight each.
    // Neither is needed (the token request sets its own form content type); null removes them.
    headers: { 'Content-Type': null, 'X-Okta-User-Agent-Extended': null },
  };
}
