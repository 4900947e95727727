// Turns DEV_PROVIDER_* environment variables into validated settings. A bad value fails start-up
// with one sentence that names the variable to change.
import { DEFAULT_PASSWORD } from './accounts.mjs';

export class SettingsError extends Error {
  name = 'SettingsError';
}

/** Defaults mirror an Okta org's default authorization server and the app's `npm start` ports. */
export const DEFAULTS = Object.freeze({
  port: 3000,
  clientId: '0oadevspaclient00001',
  appOrigins: Object.freeze(['http://localhost:4200']),
  audience: 'api://default',
  // Okta's default access policy rule: access tokens live 1 hour, refresh tokens 7 days here.
  accessTokenTtl: 3600,
  // Okta ID tokens always live 1 hour.
  idTokenTtl: 3600,
  refreshTokenTtl: 7 * 24 * 3600,
  // Okta's default global session policy signs out after 2 hours of inactivity.
  sessionTtl: 2 * 3600,
  password: DEFAULT_PASSWORD,
  // Okta's "Require Demonstrating Proof of Possession (DPoP) header in token requests": the app
  // uses DPoP by default, so its provider requires it (see DPOP_MODES).
  dpop: 'required',
  // The fault switch for security tests (faults/): off unless DEV_PROVIDER_FAULTS=on.
  faults: false,
});

/** Reads the environment once; unset or blank variables take their defaults. */
export function readSettings(env = process.env) {
  const read = (name) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const ttl = (name, fallback) => parseTtl(read(name), name) ?? fallback;

  return {
    port: parsePort(read('DEV_PROVIDER_PORT')) ?? DEFAULTS.port,
    clientId: parseClientId(read('DEV_PROVIDER_CLIENT_ID')) ?? DEFAULTS.clientId,
    appOrigins: parseOrigins(read('DEV_PROVIDER_APP_ORIGINS')) ?? DEFAULTS.appOrigins,
    audience: parseAudience(read('DEV_PROVIDER_AUDIENCE')) ?? DEFAULTS.audience,
    accessTokenTtl: ttl('DEV_PROVIDER_ACCESS_TOKEN_TTL', DEFAULTS.accessTokenTtl),
    idTokenTtl: ttl('DEV_PROVIDER_ID_TOKEN_TTL', DEFAULTS.idTokenTtl),
    refreshTokenTtl: ttl('DEV_PROVIDER_REFRESH_TOKEN_TTL', DEFAULTS.refreshTokenTtl),
    sessionTtl: ttl('DEV_PROVIDER_SESSION_TTL', DEFAULTS.sessionTtl),
    // Passwords may legitimately have surrounding spaces, so this one is not trimmed.
    password: env.DEV_PROVIDER_PASSWORD || DEFAULTS.password,
    dpop: parseDpopMode(read('DEV_PROVIDER_DPOP')) ?? DEFAULTS.dpop,
    faults: parseSwitch(read('DEV_PROVIDER_FAULTS'), 'DEV_PROVIDER_FAULTS') ?? DEFAULTS.faults,
  };
}

/**
 * How the SPA client's Okta app treats DPoP (RFC 9449). `required`: "Require DPoP header in token
 * requests" is ticked, a token request without a proof is refused. `optional`: a proof binds the
 * tokens, no proof gets Bearer tokens. `off`: an app without DPoP, whose tokens are Bearer even
 * when a proof comes.
 */
export const DPOP_MODES = Object.freeze(['required', 'optional', 'off']);

function parseDpopMode(value) {
  if (value === undefined) return undefined;
  const mode = value.toLowerCase();
  if (!DPOP_MODES.includes(mode)) {
    throw new SettingsError(
      `DEV_PROVIDER_DPOP must be "required", "optional" or "off" (or unset, which is required), not "${value}".`,
    );
  }
  return mode;
}

// Only the exact words: a typo such as "no" or "0" must not be mistaken for either state.
function parseSwitch(value, name) {
  if (value === undefined) return undefined;
  const word = value.toLowerCase();
  if (word !== 'on' && word !== 'off') {
    throw new SettingsError(
      `${name} must be "on" or "off" (or unset, which is off), not "${value}".`,
    );
  }
  return word === 'on';
}

function parsePort(value) {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new SettingsError(
      `DEV_PROVIDER_PORT must be a port number from 0 to 65535 (0 picks a free port), not "${value}".`,
    );
  }
  return port;
}

function parseTtl(value, name) {
  if (value === undefined) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(Number.isSafeInteger(seconds) && seconds > 0)) {
    throw new SettingsError(`${name} must be a positive whole number of seconds, not "${value}".`);
  }
  return seconds;
}

// Okta client ids are alphanumeric; the stricter rule also keeps the id safe in URLs and HTML.
function parseClientId(value) {
  if (value === undefined) return undefined;
  if (!/^[\w.~-]+$/.test(value)) {
    throw new SettingsError(
      `DEV_PROVIDER_CLIENT_ID may only contain letters, digits and . _ ~ -, not "${value}".`,
    );
  }
  return value;
}

// oidc-provider treats the audience as an RFC 8707 resource indicator: an absolute URI.
function parseAudience(value) {
  if (value === undefined) return undefined;
  const url = URL.parse(value);
  if (!url || url.hash) {
    throw new SettingsError(
      `DEV_PROVIDER_AUDIENCE must be an absolute URI without a fragment, such as api://default, not "${value}".`,
    );
  }
  return value;
}

function parseOrigins(value) {
  if (value === undefined) return undefined;
  const origins = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of origins) {
    const url = URL.parse(entry);
    const isOrigin =
      ['http:', 'https:'].includes(url?.protocol) &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash &&
      !url.username &&
      !url.password;
    if (!isOrigin) {
      throw new SettingsError(
        `DEV_PROVIDER_APP_ORIGINS must be a comma-separated list of origins such as http://localhost:4200, not "${value}".`,
      );
    }
  }
  if (origins.length === 0) {
    throw new SettingsError('DEV_PROVIDER_APP_ORIGINS must name at least one origin.');
  }
  return Object.freeze([...new Set(origins.map((entry) => URL.parse(entry).origin))]);
}
