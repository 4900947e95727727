// oidc-provider's router matches a path whatever the letter case of its ASCII characters, and with
// one trailing slash (lib/helpers/router.js): POST /V1/TOKEN/ is the token endpoint. This package's
// middleware (CORS, the fault switch, okta-compat.mjs, dpop.mjs) compares paths exactly, so another
// spelling would reach the endpoint past it: a token request without a proof would get an unbound
// Bearer token from an app that requires DPoP. create-server.mjs therefore rewrites every spelling
// the router would take for one of these paths to the path itself, before any middleware runs.
import { ROUTES } from './configuration.mjs';

/**
 * The fixed paths oidc-provider routes here: Okta's endpoints, discovery, and the two steps of
 * sign-out (lib/helpers/initialize_app.js). Paths with a parameter, such as the resume route
 * /v1/authorize/<uid>, are left as sent: no middleware of this package looks at them.
 */
const ROUTED_PATHS = [
  ...Object.values(ROUTES),
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  `${ROUTES.end_session}/confirm`,
  `${ROUTES.end_session}/success`,
];

const BY_FOLDED_PATH = new Map(ROUTED_PATHS.map((path) => [path.toLowerCase(), path]));

/**
 * `path` (under the issuer, without query) as the routed path it is a spelling of, or unchanged.
 * The router folds case only where the folded character stays on its side of ASCII, so a path
 * with anything but printable ASCII is never one of these.
 */
export function canonicalPath(path) {
  if (!/^[\x21-\x7e]*$/.test(path)) return path;
  const exact = BY_FOLDED_PATH.get(path.toLowerCase());
  if (exact) return exact;
  if (path.length > 1 && path.endsWith('/')) {
    return BY_FOLDED_PATH.get(path.slice(0, -1).toLowerCase()) ?? path;
  }
  return path;
}

/** A request target (path and query) with its path made canonical, the query kept as sent. */
export function canonicalTarget(target) {
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const canonical = canonicalPath(path);
  return canonical === path ? target : `${canonical}${target.slice(path.length)}`;
}
