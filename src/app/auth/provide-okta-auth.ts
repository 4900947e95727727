import {
  EnvironmentProviders,
  importProvidersFrom,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import { Router } from '@angular/router';
import { OKTA_AUTH, OktaAuthModule } from '@okta/okta-angular';
import { OktaAuth, OktaAuthOptions } from '@okta/okta-auth-js';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { toSafeReturnPath } from './return-path';
import { SessionSync } from './session-sync';
import { createTimedHttpClient } from './timed-fetch';

/** The route that finishes the code exchange; register `<origin>/login/callback` in Okta. */
export const CALLBACK_PATH = '/login/callback';

/**
 * Everything the app needs from Okta, as one provider list for `app.config.ts`.
 *
 * okta-angular 6.5.1 has no provider function, so its module is wrapped here, once.
 */
export function provideOktaAuth(config: AuthConfig): EnvironmentProviders {
  const oktaAuth = new OktaAuth(toOktaAuthOptions(config, document.baseURI));
  return makeEnvironmentProviders([
    importProvidersFrom(OktaAuthModule.forRoot({ oktaAuth })),
    { provide: AUTH_CONFIG, useValue: config },
    provideEnvironmentInitializer(useRouterToRestoreOriginalUri),
    provideEnvironmentInitializer(() => inject(SessionSync).start()),
  ]);
}

/** Maps our validated config onto okta-auth-js options. Exported for its unit test. */
export function toOktaAuthOptions(config: AuthConfig, baseUri: string): OktaAuthOptions {
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
  };
}

/**
 * okta-angular's default restoreOriginalUri passes whatever was stored to the router. Ours only
 * follows same-origin relative paths, so a crafted `originalUri` cannot send the user elsewhere.
 */
function useRouterToRestoreOriginalUri(): void {
  const oktaAuth = inject(OKTA_AUTH);
  const router = inject(Router);
  oktaAuth.options.restoreOriginalUri = async (_auth, originalUri) => {
    await router.navigateByUrl(toSafeReturnPath(originalUri, window.location.origin), {
      replaceUrl: true,
    });
  };
}
