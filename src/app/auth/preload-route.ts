import { Routes } from '@angular/router';

/**
 * Starts fetching the lazy component of the top-level route that `path` leads to, so that its
 * chunk downloads while the code exchange is under way rather than after it. The router's own
 * `loadComponent()` later gets the module the browser has already fetched. A failure here is left
 * to that later call, which reports it.
 */
export function preloadRouteFor(routes: Routes, path: string): void {
  const segment = path.replace(/^\//, '').split(/[/?#;(]/)[0];
  const route = routes.find((candidate) => candidate.path === segment);
  const load = (route ?? routes.find((candidate) => candidate.path === '**'))?.loadComponent;
  if (load) void Promise.resolve(load()).catch(() => undefined);
}
