import {
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import type { OktaAuthOptions } from '@okta/okta-auth-js/core';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { FORBIDDEN_PAGE, FORBIDDEN_PATH } from './group-guard';
import { SessionSync } from './session-sync';
import { createTimedHttpClient } from './timed-fetch';

/** okta-angular and okta-auth-js: the Okta chunk (see okta-runtime.ts). */
export type OktaRuntime = typeof import('./okta-runtime');

/**
 * Fetches the Okta chunk, outside the initial bundle. main.ts requests it together with
 * config.json and bootstraps once both are in, so OKTA_AUTH is there from the start.
 */
export function loadOktaRuntime(): Promise<OktaRuntime> {
  return import('./okta-runtime');
}

/** The app's own routes the auth folder sends users to. */
export interface AuthRoutes {
  /** The 403 page of `groupGuard`; default `/forbidden`. */
  readonly forbiddenPath?: string;
}

/**
 * Everything the app needs from Okta, as one provider list for `app.config.ts`.
 *
 * okta-angular 6.5.1 has no provider function, so its module is wrapped (in okta-runtime.ts), once.
 * The app must have a route for the callback (CALLBACK_PATH) and for `routes.forbiddenPath`: a
 * missing one stops the start with a sentence that names it, rather than failing a sign-in later.
 */
export function provideOktaAuth(
  config: AuthConfig,
  okta: OktaRuntime,
  routes: AuthRoutes = {},
): EnvironmentProviders {
  const forbiddenPath = routes.forbiddenPath ?? FORBIDDEN_PATH;
  return makeEnvironmentProviders([
    okta.oktaAngularProviders(toOktaAuthOptions(config, document.baseURI, okta.isDPoPSupported())),
    { provide: AUTH_CONFIG, useValue: config },
    { provide: FORBIDDEN_PAGE, useValue: forbiddenPath },
    okta.routerWiring([CALLBACK_PATH, forbiddenPath]),
    provideEnvironmentInitializer(() => inject(SessionSync).start()),
  ]);
}

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
