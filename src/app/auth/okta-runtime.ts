import {
  EnvironmentProviders,
  importProvidersFrom,
  inject,
  makeEnvironmentProviders,
} from '@angular/core';
import {
  OKTA_AUTH as OKTA_ANGULAR_AUTH,
  OktaAuthModule,
  OktaAuthStateService,
} from '@okta/okta-angular';
import { OktaAuth, OktaAuthOptions } from '@okta/okta-auth-js/core';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';

// This file is the Okta chunk: only `loadOktaRuntime()` imports it, dynamically, so neither Okta
// package (nor what only a page with Okta needs) is in the initial bundle.

/** The redirect URI's page, only ever needed with the Okta chunk (see app.routes.ts). */
export { LoginCallback } from './login-callback';
export { toOktaAuthOptions } from './okta-auth-options';
export { routerWiring } from './router-wiring';
export { answerStepUpChallenge, checkAuthentication } from './step-up';

/** okta-auth-js's own test: WebCrypto, TextEncoder and IndexedDB, which DPoP's key store needs. */
export function isDPoPSupported(): boolean {
  return OktaAuth.features.isDPoPSupported();
}

/** okta-angular's module around a new OktaAuth. */
export function oktaAngularProviders(options: OktaAuthOptions): EnvironmentProviders {
  const oktaAuth = new OktaAuth(options);
  return makeEnvironmentProviders([
    // okta-angular's types name the default entry's OktaAuth; angular.json's fileReplacements make
    // its imports resolve to the core entry, so at run time it is the same class.
    importProvidersFrom(OktaAuthModule.forRoot({ oktaAuth: oktaAuth as never })),
    { provide: OKTA_AUTH, useExisting: OKTA_ANGULAR_AUTH },
    { provide: OKTA_AUTH_STATE, useFactory: () => inject(OktaAuthStateService).authState$ },
  ]);
}
