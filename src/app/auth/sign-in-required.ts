import type { ActivatedRouteSnapshot } from '@angular/router';

/**
 * Route `data` key of routes that show a signed-in user's data (set by `requireSignIn()`).
 * SessionSync reads it to leave such a page when the session ends; reading route data rather than
 * `canActivate` arrays keeps services from importing guards.
 */
export const SIGN_IN_REQUIRED = 'signInRequired';

/** True when the route or one of its descendants in `root`'s active branch requires sign-in. */
export function isSignInRequired(root: ActivatedRouteSnapshot | null): boolean {
  for (let route = root; route; route = route.firstChild) {
    if (route.routeConfig?.data?.[SIGN_IN_REQUIRED] === true) return true;
  }
  return false;
}
