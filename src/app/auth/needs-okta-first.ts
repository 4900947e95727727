import { Routes } from '@angular/router';
import { CALLBACK_PATH } from './auth-paths';
import { topLevelRouteFor } from './top-level-route';

/**
 * Whether the page at `url` can show nothing until the Okta chunk is in: the callback, and a page
 * with a guard. main.ts fetches the chunk at once for such a page, beside config.json, and
 * leaves it until after the first paint for a public one. A hint only: a guard or the callback
 * loads the chunk itself whenever it is not there yet, so a wrong answer costs time, never safety.
 *
 * `url` is the page's address and `baseUri` the document's base (the app may live in a folder).
 */
export function needsOktaFirst(routes: Routes, url: string, baseUri: string): boolean {
  if (!url.startsWith(baseUri)) return true;
  const path = url.slice(baseUri.length);
  const callback = CALLBACK_PATH.slice(1);
  if (path.startsWith(callback) && /^([/?#;]|$)/.test(path.slice(callback.length))) return true;
  const route = topLevelRouteFor(routes, path);
  return !!(
    route?.canActivate?.length ||
    route?.canMatch?.length ||
    route?.canActivateChild?.length
  );
}
