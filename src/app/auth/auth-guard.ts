import { EnvironmentInjector, inject, InjectionToken, runInInjectionContext } from '@angular/core';
import { CanActivateFn, GuardResult, Route, Router } from '@angular/router';
import { isObservable, firstValueFrom } from 'rxjs';
import type { AuthenticationRequirement } from './acr';
import { CALLBACK_PATH } from './auth-paths';
import { whenOktaLoaded } from './okta-loader';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import { SIGN_IN_REQUIRED } from './sign-in-required';
import { SignInAttempts } from './sign-in-attempts';
import { describeSignInError } from './sign-in-error';

/**
 * Lets signed-in users through; sends everyone else to the Okta-hosted sign-in page, remembering
 * the full URL they asked for (path, query and fragment) so the callback can bring them back.
 *
 * If sign-in keeps failing, it stops sending the user to Okta and shows why (no redirect loop).
 * Never put this guard on the callback route: the callback is where the tokens arrive.
 */
export const authGuard: CanActivateFn = (_route, state) => {
  const stillWanted = navigationStillWanted();
  return whenOktaLoaded(() => admit(state.url, stillWanted));
};

/**
 * Whether the navigation under way when this is called is still the router's: the Okta chunk
 * and the other tabs are waited for, and meanwhile the user may have gone elsewhere. A page they
 * no longer want must not take them to Okta.
 */
function navigationStillWanted(): () => boolean {
  const router = inject(Router);
  const id = router.currentNavigation()?.id;
  return () => router.currentNavigation()?.id === id;
}

async function admit(url: string, stillWanted: () => boolean): Promise<GuardResult> {
  const oktaAuth = inject(OKTA_AUTH);
  const attempts = inject(SignInAttempts);
  const router = inject(Router);
  // A tab opened next to a signed-in one gets its session first, instead of a trip to Okta, and
  // tokens past their renewal time are renewed with the refresh token before judging them.
  const sessionSync = inject(SessionSync);
  await sessionSync.ready;
  await sessionSync.renewIfExpired();
  if (await oktaAuth.isAuthenticated()) {
    attempts.reset();
    return true;
  }
  if (!stillWanted()) return false;
  if (attempts.mustStop()) return router.parseUrl(CALLBACK_PATH);
  attempts.recordAutomaticStart();
  try {
    await oktaAuth.signInWithRedirect({ originalUri: url });
  } catch (error) {
    // E.g. Okta's discovery document is unreachable: explain on the callback page.
    attempts.recordFailure(describeSignInError(error));
    return router.parseUrl(CALLBACK_PATH);
  }
  return false;
}

/**
 * The route settings of a page for signed-in users: `authGuard` first, then `thenCheck` (e.g.
 * `groupGuard(...)`, `stepUpGuard(...)`), one after the other, and the route data that tells
 * SessionSync to leave the page when the session ends. Spread it into the route:
 * `{ path: 'profile', ...requireSignIn(), loadComponent: ... }`.
 *
 * The router runs a route's guards side by side, so a check with a side effect (the step-up
 * guard leaves for Okta) would start before authGuard has decided; `inOrder` runs each only
 * once the ones before it let the user through.
 */
export function requireSignIn(...thenCheck: CanActivateFn[]): Pick<Route, 'canActivate' | 'data'> {
  return {
    canActivate: [thenCheck.length ? inOrder(authGuard, ...thenCheck) : authGuard],
    data: { [SIGN_IN_REQUIRED]: true },
  };
}

/** One guard that runs `guards` in turn and answers with the first answer that is not `true`. */
export function inOrder(...guards: CanActivateFn[]): CanActivateFn & { guards: CanActivateFn[] } {
  const guard: CanActivateFn = async (route, state) => {
    const injector = inject(EnvironmentInjector);
    for (const next of guards) {
      const answer = runInInjectionContext(injector, () => next(route, state));
      const result: GuardResult = isObservable(answer)
        ? await firstValueFrom(answer)
        : await answer;
      if (result !== true) return result;
    }
    return true;
  };
  return Object.assign(guard, { guards });
}

/**
 * Lets through a signed-in user whose ID token meets `requirement` (an `acr`, a maximum age of
 * the authentication, or both; or a token that provides it from the runtime configuration);
 * otherwise signs in again with `acr_values` and `max_age`, back to the same URL. Use it after
 * authGuard, through requireSignIn. The work is in the Okta chunk (step-up.ts).
 */
export function stepUpGuard(
  requirement: AuthenticationRequirement | InjectionToken<AuthenticationRequirement>,
): CanActivateFn {
  return (_route, state) => {
    const needed = requirement instanceof InjectionToken ? inject(requirement) : requirement;
    const stillWanted = navigationStillWanted();
    return whenOktaLoaded((okta) =>
      stillWanted() ? okta.checkAuthentication(needed, state.url) : false,
    );
  };
}
