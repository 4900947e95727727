import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { OKTA_AUTH } from './okta-auth-token';
import { toSafeReturnPath } from './return-path';

// Where okta-auth-js meets the app's router. In the Okta chunk (okta-runtime.ts), since only a
// page with Okta needs it.

/**
 * okta-angular's default restoreOriginalUri passes whatever was stored to the router. Ours only
 * follows same-origin relative paths, so a crafted `originalUri` cannot send the user elsewhere.
 *
 * It runs after the tokens are stored: a navigation the app's own routing cannot make (no such
 * route, a guard that throws) is no reason to throw the session away, so the user lands home.
 */
export function useRouterToRestoreOriginalUri(): void {
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
