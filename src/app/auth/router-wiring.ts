import {
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import { Router } from '@angular/router';
import { OKTA_AUTH } from './okta-auth-token';
import { toSafeReturnPath } from './return-path';

/**
 * Where okta-auth-js meets the app's router: the routes sign-in needs must exist, and the page the
 * user asked for is restored through the router. In the Okta chunk (okta-runtime.ts), since only
 * a page with Okta needs it.
 */
export function routerWiring(requiredPaths: readonly string[]): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideEnvironmentInitializer(() => requireRoutes(requiredPaths)),
    provideEnvironmentInitializer(useRouterToRestoreOriginalUri),
  ]);
}

/**
 * okta-angular's default restoreOriginalUri passes whatever was stored to the router. Ours only
 * follows same-origin relative paths, so a crafted `originalUri` cannot send the user elsewhere.
 *
 * It runs after the tokens are stored: a navigation the app's own routing cannot make (no such
 * route, a guard that throws) is no reason to throw the session away, so the user lands home.
 */
function useRouterToRestoreOriginalUri(): void {
  const oktaAuth = inject(OKTA_AUTH);
  const router = inject(Router);
  oktaAuth.options.restoreOriginalUri = async (_auth, originalUri) => {
    const path = toSafeReturnPath(originalUri, window.location.origin);
    try {
      await router.navigateByUrl(path, { replaceUrl: true });
    } catch (error) {
      console.error(`Signed in, but the app could not open ${path}:`, error);
      await router.navigateByUrl('/', { replaceUrl: true }).catch(() => undefined);
    }
  };
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
