import {
  createEnvironmentInjector,
  DestroyRef,
  EnvironmentInjector,
  importProvidersFrom,
  inject,
  runInInjectionContext,
} from '@angular/core';
import {
  OKTA_AUTH as OKTA_ANGULAR_AUTH,
  OktaAuthModule,
  OktaAuthStateService,
} from '@okta/okta-angular';
import { OktaAuth } from '@okta/okta-auth-js/core';
import { AuthConfig } from './auth-config';
import { OKTA_AUTH } from './okta-auth-token';
import type { OktaServices } from './okta-loader';
import { toOktaAuthOptions } from './okta-auth-options';
import { useRouterToRestoreOriginalUri } from './router-wiring';

// This file is the Okta chunk: only `loadOktaRuntime()` imports it, dynamically, so neither Okta
// package (nor what only a page with Okta needs) is in the initial bundle.

/** The redirect URI's page, only ever needed with the Okta chunk (see app.routes.ts). */
export { LoginCallback } from './login-callback';
export { answerStepUpChallenge, checkAuthentication } from './step-up';
export { sendToApi } from './api-request';

/** okta-auth-js's own test: WebCrypto, TextEncoder and IndexedDB, which DPoP's key store needs. */
export function isDPoPSupported(): boolean {
  return OktaAuth.features.isDPoPSupported();
}

/**
 * Creates the app's OktaAuth through okta-angular's module, which starts okta-auth-js's services,
 * lets the app's router restore the page a sign-in started from, and hands both to `onStarted`.
 *
 * okta-angular 6.5.1 has only an NgModule, and the app has bootstrapped before this chunk arrives,
 * so the module lives in an injector of its own under the app's: the module's providers can see
 * the app's Router and Location, and OktaLoader hands the app the two things it needs from it.
 */
export async function startOktaAuth(
  parent: EnvironmentInjector,
  config: AuthConfig,
  onStarted: (services: OktaServices) => void,
  inShortTasks: boolean,
): Promise<void> {
  // On a page that has painted, in short tasks (the chunk has just run; creating OktaAuth;
  // starting it), so that none holds the main thread long enough to delay a tap on it.
  if (inShortTasks) await pause();
  const oktaAuth = new OktaAuth(toOktaAuthOptions(config, document.baseURI, isDPoPSupported()));
  if (inShortTasks) await pause();
  const injector = createEnvironmentInjector(
    [
      // okta-angular's types name the default entry's OktaAuth; angular.json's fileReplacements
      // make its imports resolve to the core entry, so at run time it is the same class.
      importProvidersFrom(OktaAuthModule.forRoot({ oktaAuth: oktaAuth as never })),
      { provide: OKTA_AUTH, useExisting: OKTA_ANGULAR_AUTH },
    ],
    parent,
    'okta-angular',
  );
  parent.get(DestroyRef).onDestroy(() => injector.destroy());
  runInInjectionContext(injector, () => {
    // okta-angular creates, sets up and starts the OktaAuth when it is first injected.
    const started = inject(OKTA_AUTH);
    useRouterToRestoreOriginalUri();
    // In the same task as the start: okta-auth-js reports its first auth state asynchronously,
    // and whoever follows it (SessionSync) must not miss it.
    onStarted({ oktaAuth: started, authState$: inject(OktaAuthStateService).authState$ });
  });
}

/** Lets the browser handle input and paint before the next step. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve));
}
