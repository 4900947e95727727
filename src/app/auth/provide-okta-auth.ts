import {
  ApplicationRef,
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import { Router } from '@angular/router';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { FORBIDDEN_PAGE, FORBIDDEN_PATH } from './group-guard';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';
import { afterFirstPaint } from './first-paint';
import { needsOktaFirst } from './needs-okta-first';
import { OKTA_LOADING, OktaLoader, OktaLoading } from './okta-loader';
import { showStartupError } from './startup-error';

/** The app's own routes the auth folder sends users to. */
export interface AuthRoutes {
  /** The 403 page of `groupGuard`; default `/forbidden`. */
  readonly forbiddenPath?: string;
}

/**
 * Everything the app needs from Okta, as one provider list for `app.config.ts`.
 *
 * It needs no Okta code to bootstrap: the Okta chunk (okta-angular and okta-auth-js, see
 * okta-runtime.ts) loads after the first paint, or at once for a page that cannot show anything
 * without it, and only what needs a token waits for it (the guards, the callback, the
 * interceptor for API requests, the header's signed-in state).
 *
 * The app must have a route for the callback (CALLBACK_PATH) and for `routes.forbiddenPath`: a
 * missing one stops the start with a sentence that names it, rather than failing a sign-in later.
 */
export function provideOktaAuth(config: AuthConfig, routes: AuthRoutes = {}): EnvironmentProviders {
  const forbiddenPath = routes.forbiddenPath ?? FORBIDDEN_PATH;
  return makeEnvironmentProviders([
    { provide: AUTH_CONFIG, useValue: config },
    { provide: FORBIDDEN_PAGE, useValue: forbiddenPath },
    OktaLoader,
    {
      provide: OKTA_LOADING,
      // Created at bootstrap, by the initializer below. Paint first: a public page loads the
      // chunk once it has shown its content, and OktaAuth then starts in short tasks. A page that
      // needs it (main.ts has been fetching it beside config.json) starts at once, so that its
      // guard finds OktaAuth and the session's sync under way. A guard, the callback or a click
      // on "Sign in" would start it in any case.
      useFactory: () => {
        const loader = inject(OktaLoader);
        const first = needsOktaFirst(inject(Router).config, window.location.href, document.baseURI);
        const loading = new OktaLoading(() => loader.load(!first));
        if (first) void loading.start();
        else afterFirstPaint(() => void loading.start());
        return loading;
      },
    },
    { provide: OKTA_AUTH, useFactory: () => inject(OktaLoader).services().oktaAuth },
    { provide: OKTA_AUTH_STATE, useFactory: () => inject(OktaLoader).services().authState$ },
    provideEnvironmentInitializer(() => requireRoutes([CALLBACK_PATH, forbiddenPath])),
    provideEnvironmentInitializer(() => {
      const loader = inject(OktaLoader);
      const app = inject(ApplicationRef);
      const loading = inject(OKTA_LOADING);
      loading.loaded.catch((error: unknown) => {
        if (loader.destroyed) return;
        // The chunk did not arrive (network, a deployment that lost it) or Okta could not start
        // in this browser: no page could sign in, so the app says so as if it had not started.
        app.destroy();
        showStartupError(error);
      });
    }),
  ]);
}

/** Stops the start when a route the auth folder navigates to is not in the app's routes. */
function requireRoutes(paths: readonly string[]): void {
  const config = inject(Router).config;
  const missing = paths.filter((path) => !config.some((route) => route.path === path.slice(1)));
  if (missing.length) {
    throw new Error(
      `The app has no route for ${missing.join(' or ')}, which sign-in needs: add it to app.routes.ts, or pass another path to provideOktaAuth().`,
    );
  }
}
