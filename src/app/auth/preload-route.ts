import { Routes } from '@angular/router';
import { topLevelRouteFor } from './top-level-route';

/**
 * Starts fetching the lazy component of the top-level route that `path` leads to, so that its
 * chunk downloads while the code exchange is under way rather than after it. The router's own
 * `loadComponent()` later gets the module the browser has already fetched. A failure here is left
 * to that later call, which reports it.
 */
export function preloadRouteFor(routes: Routes, path: string): void {
  const load = topLevelRouteFor(routes, path)?.loadComponent;
  try {
    if (load) void Promise.resolve(load()).catch(() => undefined);
  } catch {
    // A load that needs the router's injection context (the callback's own): left to the router.
  }
}
