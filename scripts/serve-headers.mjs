// The production server's security headers, in one place so that every response gets them:
// the app's Content-Security-Policy on HTML, a locked-down one on everything else, HSTS over HTTPS.
import { parseAuthConfig } from '../src/app/auth/auth-config.ts';

/**
 * Trusted Types policies the app may create. Angular's runtime knows two: "angular" wraps only
 * values Angular itself sanitised or compiled (an `[innerHTML]` binding needs it), and
 * "angular#unsafe-bypass" wraps `bypassSecurityTrust*` values, the very strings Trusted Types
 * exists to stop. Measured: the whole e2e suite passes under `trusted-types 'none'`, so today's
 * app creates neither. "angular" stays allowed so that a copied app's sanitised bindings keep
 * working; the bypass policy is refused. ("angular#bundler" was webpack's; esbuild's lazy chunks
 * are `import()`s, no sink. Each policy is created once, so no 'allow-duplicates'.)
 */
export const TRUSTED_TYPES_POLICIES = ['angular'];

/** For every response that is not the app's HTML: error pages, bundles, config.json. */
export const LOCKED_DOWN_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const HSTS = 'max-age=31536000; includeSubDomains';

/** Content-Security-Policy for the app: only our own code, and only Okta + the API to talk to. */
export function contentSecurityPolicy({ issuerOrigin, connectOrigins, nonce }) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Angular adds component styles at run time; the per-response nonce (ngCspNonce) allows them.
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "frame-ancestors 'none'",
    "object-src 'none'",
    // 'self', not 'none': Angular's router needs <base href="/"> for deep links like /login/callback.
    "base-uri 'self'",
    ["form-action 'self'", ...(issuerOrigin ? [issuerOrigin] : [])].join(' '),
    // DOM XSS sinks (innerHTML, script src, …) take only values made by an allowed policy.
    "require-trusted-types-for 'script'",
    `trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`,
  ].join('; ');
}

/**
 * The origins the app may reach, derived from the config.json text the server actually serves
 * (written from the environment or by the deployer) with the browser's own rules: the issuer,
 * the API (`apiUrl`) and every `apiOrigins` entry. A file the app would refuse yields no origin
 * at all, so the policy never allows what the app itself would not use. `problem` says why.
 */
export function cspSourcesFromConfig(configJson) {
  let auth;
  let apiUrl;
  try {
    const raw = JSON.parse(configJson);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new Error('it is not a JSON object');
    }
    // The same defaults and checks as src/app/runtime-config.ts's parseRuntimeConfig.
    apiUrl = new URL(raw.apiUrl);
    if (!['http:', 'https:'].includes(apiUrl.protocol)) throw new Error('apiUrl is not http(s)');
    auth = parseAuthConfig({ apiOrigins: [apiUrl.origin], ...raw });
  } catch (error) {
    return noSources(`the config.json served is not one the app can use (${error.message})`);
  }
  // A file the app accepts can still name an origin no policy can express, such as the IPv6
  // loopback http://[::1]:3000 that auth-config.ts allows for development.
  const origins = [new URL(auth.issuer).origin, apiUrl.origin, ...auth.apiOrigins];
  const unwritable = origins.find((origin) => !isHostSource(origin));
  if (unwritable) {
    return noSources(
      `the origin "${unwritable}" of the config.json served cannot be written into a Content-Security-Policy (CSP host-sources have no IPv6 literals; use localhost)`,
    );
  }
  return { issuerOrigin: origins[0], connectOrigins: [...new Set(origins)], problem: null };
}

const noSources = (problem) => ({ issuerOrigin: null, connectOrigins: [], problem });

/**
 * Whether an origin can be a CSP host-source as it is. URL parsing accepts hosts such as "a;b",
 * which would end the directive and start another; CSP host-sources cannot be IPv6 literals either.
 */
function isHostSource(origin) {
  return /^https?:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/.test(origin);
}

/** `TRUST_PROXY`: 1 when a TLS-terminating proxy in front sets X-Forwarded-Proto, else 0. */
export function parseTrustProxy(value) {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(
    `TRUST_PROXY must be 1 (behind a proxy that sets X-Forwarded-Proto) or 0, not "${value}".`,
  );
}

/**
 * Whether the browser reached us over HTTPS: we terminate TLS ourselves, or a trusted proxy says
 * so. Without `trustProxy` the header is ignored: any client can send it. Proxies append to it,
 * so the last entry is the one written by the proxy next to us.
 */
export function isHttpsRequest(req, { tls, trustProxy }) {
  if (tls) return true;
  if (!trustProxy) return false;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '');
  return forwarded.split(',').at(-1).trim().toLowerCase() === 'https';
}

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether the request's Host names this machine (localhost, 127.0.0.1 or [::1], any port). A
 * missing or unparsable Host counts as not local.
 */
export function isLoopbackRequest(req) {
  try {
    const { hostname } = new URL(`http://${req.headers.host}`);
    return LOOPBACK_HOSTNAMES.has(hostname.replace(/\.$/, ''));
  } catch {
    return false;
  }
}

/**
 * The headers every response carries; `csp` is the app's policy or LOCKED_DOWN_POLICY. `hsts`:
 * only over HTTPS (browsers ignore it on http) and never for localhost, where it would pin the name,
 * and every port on it, to TLS.
 */
export function securityHeaders({ hsts, csp }) {
  return {
    ...(hsts ? { 'Strict-Transport-Security': HSTS } : {}),
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}
