import { inject } from '@angular/core';
import { CanActivateFn, Route, Router } from '@angular/router';
import { CALLBACK_PATH } from './auth-paths';
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
export const authGuard: CanActivateFn = async (_route, state) => {
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
  if (attempts.mustStop()) return router.parseUrl(CALLBACK_PATH);
  attempts.recordAutomaticStart();
  try {
    await oktaAuth.signInWithRedirect({ originalUri: state.url });
  } catch (error) {
    // E.g. Okta's discovery document is unreachable: explain on the callback page.
    attempts.recordFailure(describeSignInError(error));
    return router.parseUrl(CALLBACK_PATH);
  }
  return false;
};

/**
 * The route settings of a page for signed-in users: `authGuard` first, then `thenCheck` (e.g.
 * `groupGuard(...)`, which must only ever see a signed-in user), and the route data that tells
 * SessionSync to leave the page when the session ends. Spread it into the route:
 * `{ path: 'profile', ...requireSignIn(), loadComponent: ... }`.
 */
export function requireSignIn(...thenCheck: CanActivateFn[]): Pick<Route, 'canActivate' | 'data'> {
  return { canActivate: [authGuard, ...thenCheck], data: { [SIGN_IN_REQUIRED]: true } };
}
