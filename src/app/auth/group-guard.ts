import { inject, InjectionToken } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { OKTA_AUTH } from './okta-auth-token';
import { whenOktaLoaded } from './okta-loader';

/** Where a signed-in user without the required group is sent, unless provideOktaAuth says otherwise. */
export const FORBIDDEN_PATH = '/forbidden';

/** The app's 403 page, set by `provideOktaAuth(config, okta, { forbiddenPath })`. */
export const FORBIDDEN_PAGE = new InjectionToken<string>('FORBIDDEN_PAGE', {
  factory: () => FORBIDDEN_PATH,
});

/**
 * Lets through members of `group` (a name, or a token that provides it from the runtime
 * configuration), judged by the ID token's `groups` claim. Use it after `authGuard`: a signed-in
 * user outside the group gets the 403 page, never a new sign-in (that would loop).
 */
export function groupGuard(group: string | InjectionToken<string>): CanActivateFn {
  return () =>
    whenOktaLoaded(() => {
      const name = typeof group === 'string' ? group : inject(group);
      const { idToken } = inject(OKTA_AUTH).tokenManager.getTokensSync();
      if (isInGroup(idToken?.claims, name)) return true;
      return inject(Router).createUrlTree([inject(FORBIDDEN_PAGE)], {
        queryParams: { group: name },
      });
    });
}

/** The claims' `groups` array, its string entries only (empty when absent). */
export function groupsOf(claims: Readonly<Record<string, unknown>> | null | undefined): string[] {
  const groups = claims?.['groups'];
  return Array.isArray(groups) ? groups.filter((group) => typeof group === 'string') : [];
}

/** True when the claims' `groups` array holds exactly `group` (Okta group names are case-sensitive). */
export function isInGroup(
  claims: Readonly<Record<string, unknown>> | undefined,
  group: string,
): boolean {
  return groupsOf(claims).includes(group);
}
