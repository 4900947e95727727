// Turns environment variables into a validated config object. Kept separate from server.mjs so the
// validation rules can be unit-tested without starting a process.

import { OKTA_ACR } from '../src/app/auth/acr.ts';

export const DEFAULT_AUDIENCE = 'api://default';
export const DEFAULT_PORT = 8000;
export const DEFAULT_APP_ORIGINS = ['http://localhost:4200'];
/** API_DPOP: only DPoP-bound tokens (`required`), or unbound Bearer tokens too (`allowed`). */
export const DPOP_MODES = Object.freeze(['required', 'allowed']);
export const DEFAULT_DPOP_MODE = 'required';
export const DEFAULT_DPOP_IAT_WINDOW_SECONDS = 60;
// Beyond this, a proof could be replayed elsewhere for longer, and the replay cache would have to
// remember each one for as long.
const MAX_DPOP_IAT_WINDOW_SECONDS = 600;
/** API_ADMIN_ACR: the acr GET /api/admin/audit needs: any two factors, as Okta predefines it. */
export const DEFAULT_ADMIN_ACR = OKTA_ACR.twoFactors;
/** API_ADMIN_MAX_AGE: how old, in seconds, that authentication may be: a quarter of an hour. */
export const DEFAULT_ADMIN_MAX_AGE_SECONDS = 900;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

// Okta client ids are letters and digits; the few other characters allowed here still catch a
// pasted quote, space, wildcard or semicolon, any of which would make the entry match no token.
const CLIENT_ID = /^[\w.~-]+$/;
// A scope-token (RFC 6749 §3.3). It also keeps the names safe to quote in the WWW-Authenticate
// scope attribute (RFC 6750 §3), which excludes the same " and \.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export class ConfigError extends Error {
  name = 'ConfigError';
}

// Plain http is only acceptable for a local development issuer: anywhere else a man-in-the-middle
// could swap the signing keys the API trusts.
export function isLocalHttpUrl(value) {
  const url = new URL(value);
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export function parseIssuer(value) {
  if (!value || !value.trim()) {
    throw new ConfigError(
      'OKTA_ISSUER is required, e.g. https://dev-123456.okta.com/oauth2/default.',
    );
  }
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`OKTA_ISSUER must be a URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`OKTA_ISSUER must be an https URL, got "${value}".`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(
      `OKTA_ISSUER must use https unless it is on localhost or 127.0.0.1, got "${value}".`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      `OKTA_ISSUER must not contain credentials, a query or a fragment, got "${value}".`,
    );
  }
  // The verifier compares the token's iss claim to this string exactly, and Okta issuers never end
  // in a slash, so a slash pasted from the browser's address bar would reject every token.
  return url.href.replace(/\/+$/, '');
}

export function parseAudience(value) {
  if (value === undefined || value === '') return DEFAULT_AUDIENCE;
  const audience = value.trim();
  if (!audience) throw new ConfigError('OKTA_AUDIENCE must not be blank.');
  return audience;
}

const splitList = (value, separator) =>
  value
    .split(separator)
    .map((entry) => entry.trim())
    .filter(Boolean);

export function parseClientIds(value, name) {
  const ids = splitList(value, ',');
  if (ids.length === 0) throw new ConfigError(`${name} must list at least one client id.`);
  for (const id of ids) {
    if (!CLIENT_ID.test(id)) {
      throw new ConfigError(
        `${name} must be client ids separated by commas, such as 0oa1b2c3d4e5f6g7h8i9, got "${id}".`,
      );
    }
  }
  return ids;
}

// The audience api://default is shared by every app that uses the org's default authorization
// server, so the client the token was issued to (its cid claim) is what tells this app's tokens
// from the others. There is deliberately no "accept any client" setting.
export function resolveClientIds(env) {
  if (env.API_CLIENT_IDS) return parseClientIds(env.API_CLIENT_IDS, 'API_CLIENT_IDS');
  if (env.OKTA_CLIENT_ID) return parseClientIds(env.OKTA_CLIENT_ID, 'OKTA_CLIENT_ID');
  throw new ConfigError(
    "API_CLIENT_IDS (or the app's OKTA_CLIENT_ID) is required: the client ids whose access tokens the API accepts.",
  );
}

// Undefined means each route requires its own default scopes (see routes/).
export function parseScopes(value) {
  if (value === undefined || value === '') return undefined;
  const scopes = splitList(value, /[\s,]+/);
  if (scopes.length === 0) {
    throw new ConfigError('API_REQUIRED_SCOPES must list at least one scope, e.g. openid email.');
  }
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) {
      throw new ConfigError(
        `API_REQUIRED_SCOPES must be scope names separated by spaces, got "${scope}".`,
      );
    }
  }
  return [...new Set(scopes)];
}

// An acr value travels quoted in the acr_values of a step-up challenge (RFC 9470 §3), so it must
// not contain " or \, and a space would split it in two: the same characters as a scope.
const ACR_VALUE = SCOPE_TOKEN;
const OKTA_ACR_PREFIX = 'urn:okta:loa:';
const OKTA_ACR_VALUES = new Set(Object.values(OKTA_ACR));

// One acr value or several (any one of them will do), separated by spaces.
export function parseAdminAcr(value, name = 'API_ADMIN_ACR') {
  if (value === undefined || value === '') return DEFAULT_ADMIN_ACR;
  const values = splitList(value, /\s+/);
  if (values.length === 0) {
    throw new ConfigError(`${name} must name an acr value, e.g. ${DEFAULT_ADMIN_ACR}.`);
  }
  for (const acr of values) {
    if (!ACR_VALUE.test(acr)) {
      throw new ConfigError(`${name} must be acr values separated by spaces, got "${acr}".`);
    }
    // Okta ignores an acr_values entry it does not know, so a misspelt one of its values could
    // never come back in a token, and every call would be challenged.
    if (acr.startsWith(OKTA_ACR_PREFIX) && !OKTA_ACR_VALUES.has(acr)) {
      throw new ConfigError(
        `${name} names "${acr}", which is not one of Okta's acr values: ${[...OKTA_ACR_VALUES].join(', ')}.`,
      );
    }
  }
  return [...new Set(values)].join(' ');
}

// 0 is refused: a token is already a second or more old when it reaches the API, so hardly any
// token would ever meet it.
export function validateAdminMaxAge(seconds, shown = seconds, name = 'API_ADMIN_MAX_AGE') {
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new ConfigError(`${name} must be a whole number of seconds, 1 or more, got "${shown}".`);
  }
  return seconds;
}

export function parseAdminMaxAge(value, name = 'API_ADMIN_MAX_AGE') {
  if (value === undefined || value === '') return DEFAULT_ADMIN_MAX_AGE_SECONDS;
  return validateAdminMaxAge(/^\d+$/.test(value.trim()) ? Number(value) : Number.NaN, value, name);
}

export function parsePort(value) {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new ConfigError(`API_PORT must be a whole number from 0 to 65535, got "${value}".`);
  }
  return port;
}

// CORS compares origins as exact strings, so anything that is not already a canonical origin (a
// wildcard, a path, a trailing slash, upper case) would silently never match.
function isCanonicalWebOrigin(value) {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export function validateOrigins(origins) {
  if (origins.length === 0) {
    throw new ConfigError('APP_ORIGINS must list at least one origin, e.g. http://localhost:4200.');
  }
  for (const origin of origins) {
    if (!isCanonicalWebOrigin(origin)) {
      throw new ConfigError(
        `APP_ORIGINS entries must be exact origins like http://localhost:4200, got "${origin}".`,
      );
    }
  }
  return origins;
}

export function parseOrigins(value) {
  if (value === undefined || value === '') return [...DEFAULT_APP_ORIGINS];
  return validateOrigins(
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
}

export function parseDpopMode(value) {
  if (value === undefined || value === '') return DEFAULT_DPOP_MODE;
  const mode = value.trim().toLowerCase();
  if (!DPOP_MODES.includes(mode)) {
    throw new ConfigError(`API_DPOP must be required or allowed, got "${value}".`);
  }
  return mode;
}

export function parseDpopNonce(value) {
  if (value === undefined || value === '') return false;
  const setting = value.trim().toLowerCase();
  if (setting !== 'on' && setting !== 'off') {
    throw new ConfigError(`API_DPOP_NONCE must be on or off, got "${value}".`);
  }
  return setting === 'on';
}

export function parseDpopIatWindow(value) {
  if (value === undefined || value === '') return DEFAULT_DPOP_IAT_WINDOW_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || seconds < 1 || seconds > MAX_DPOP_IAT_WINDOW_SECONDS) {
    throw new ConfigError(
      `API_DPOP_IAT_WINDOW_SECONDS must be a whole number from 1 to ${MAX_DPOP_IAT_WINDOW_SECONDS}, got "${value}".`,
    );
  }
  return seconds;
}

// The URL the app calls the API at (the app's API_URL). A DPoP proof names the URL it was made for
// (htu), and the API compares it with this URL plus the request path: never with one built from the
// request's Host header, which the sender chooses. Undefined means http://localhost:<port>, the
// address server.mjs announces, which is only known once it listens.
export function parsePublicUrl(value) {
  if (value === undefined || value === '') return undefined;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`API_PUBLIC_URL must be a URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`API_PUBLIC_URL must be an https URL, got "${value}".`);
  }
  // The app refuses an http API_URL elsewhere too: the token would cross the network in the clear.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(
      `API_PUBLIC_URL must use https unless it is on localhost or 127.0.0.1, got "${value}".`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      `API_PUBLIC_URL must not contain credentials, a query or a fragment, got "${value}".`,
    );
  }
  // The request path is appended to it, so a trailing slash would double the first one.
  return url.href.replace(/\/+$/, '');
}

export function loadConfig(env) {
  return {
    issuer: parseIssuer(env.OKTA_ISSUER),
    audience: parseAudience(env.OKTA_AUDIENCE),
    clientIds: resolveClientIds(env),
    requiredScopes: parseScopes(env.API_REQUIRED_SCOPES),
    port: parsePort(env.API_PORT),
    appOrigins: parseOrigins(env.APP_ORIGINS),
    dpop: parseDpopMode(env.API_DPOP),
    dpopNonces: parseDpopNonce(env.API_DPOP_NONCE),
    dpopIatWindowSeconds: parseDpopIatWindow(env.API_DPOP_IAT_WINDOW_SECONDS),
    publicUrl: parsePublicUrl(env.API_PUBLIC_URL),
    adminAcr: parseAdminAcr(env.API_ADMIN_ACR),
    adminMaxAgeSeconds: parseAdminMaxAge(env.API_ADMIN_MAX_AGE),
  };
}
