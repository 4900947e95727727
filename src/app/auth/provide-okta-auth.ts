import {
  EnvironmentInjector,
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { FORBIDDEN_PAGE, FORBIDDEN_PATH } from './group-guard';
import { SessionSync } from './session-sync';

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
    okta.oktaAngularProviders(
      okta.toOktaAuthOptions(config, document.baseURI, okta.isDPoPSupported()),
    ),
    { provide: AUTH_CONFIG, useValue: config },
    { provide: FORBIDDEN_PAGE, useValue: forbiddenPath },
    okta.routerWiring([CALLBACK_PATH, forbiddenPath]),
    provideEnvironmentInitializer(() => inject(SessionSync).start()),
    // The idle timeout is a chunk of its own (idle-watch.ts), fetched only when it is turned on.
    provideEnvironmentInitializer(() => {
      const injector = inject(EnvironmentInjector);
      if (config.idleTimeoutMinutes)
        void import('./idle-watch').then((m) => m.watchIdleness(injector));
    }),
  ]);
}
