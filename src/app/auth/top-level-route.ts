import { Route, Routes } from '@angular/router';

/** The top-level route `path` (an app path, with or without its leading slash) leads to. */
export function topLevelRouteFor(routes: Routes, path: string): Route | undefined {
  const segment = path.replace(/^\//, '').split(/[/?#;(]/)[0];
  const route = routes.find((candidate) => candidate.path === segment);
  return route ?? routes.find((candidate) => candidate.path === '**');
}
