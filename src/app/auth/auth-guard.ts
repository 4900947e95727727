import { inject } from '@angular/core';
import { CanActivateFn } from '@angular/router';
import { OKTA_AUTH } from '@okta/okta-angular';

/**
 * Lets signed-in users through; sends everyone else to the Okta-hosted sign-in page, remembering
 * the full URL they asked for (path, query and fragment) so the callback can bring them back.
 *
 * Never put this guard on the callback route: the callback is where the tokens arrive.
 */
export const authGuard: CanActivateFn = async (_route, state) => {
  const oktaAuth = inject(OKTA_AUTH);
  if (await oktaAuth.isAuthenticated()) return true;
  await oktaAuth.signInWithRedirect({ originalUri: state.url });
  return false;
};
