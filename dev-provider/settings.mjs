// Turns DEV_PROVIDER_* environment variables into validated settings. A bad value fails start-up
// with one sentence that names the variable to change.
import { DEFAULT_PASSWORD } from './accounts.mjs';
import { base32Decode, base32Encode, MIN_SECRET_BYTES } from './totp.mjs';

export class SettingsError extends Error {
  name = 'SettingsError';
}

/** Defaults mirror an Okta org's default authorization server and the app's `npm start` ports. */
export const DEFAULTS = Object.freeze({
  port: 3000,
  clientId: '0oadevspaclient00001',
  appOrigins: Object.freeze(['http://localhost:4200']),
  // The next three follow appOrigins unless set (see withDerivedSettings): undefined here.
  /** Security → API → Trusted Origins with CORS: the only origins that get CORS answers. */
  trustedOrigins: undefined,
  /** The app's "Sign-in redirect URIs": `<origin>/login/callback` for each app origin. */
  redirectUris: undefined,
  /** The app's "Sign-out redirect URIs": `<origin>` and `<origin>/` for each app origin. */
  postLogoutRedirectUris: undefined,
  /** The app's "Grant type" checkboxes (see GRANT_TYPES). */
  grantTypes: Object.freeze(['authorization_code', 'refresh_token']),
  /** Whether the authorization server has the "groups" claim Okta's guides add. */
  groupsClaim: true,
  audience: 'api://default',
  // Okta's default access policy rule: access tokens live 1 hour, refresh tokens 7 days here.
  accessTokenTtl: 3600,
  // Okta ID tokens always live 1 hour.
  idTokenTtl: 3600,
  refreshTokenTtl: 7 * 24 * 3600,
  // Okta's default global session policy signs out after 2 hours of inactivity.
  sessionTtl: 2 * 3600,
  password: DEFAULT_PASSWORD,
  // One TOTP secret (base32) for every demo user; undefined keeps each user's own (accounts.mjs).
  totpSecret: undefined,
  // Okta Identity Engine locks an authenticator for 5 minutes after 5 wrong codes (totp.mjs).
  lockoutSeconds: 300,
  // Okta's "Require Demonstrating Proof of Possession (DPoP) header in token requests": the app
  // uses DPoP by default, so its provider requires it (see DPOP_MODES).
  dpop: 'required',
  // The fault switch for security tests (faults/): off unless DEV_PROVIDER_FAULTS=on.
  faults: false,
  // Seconds added to the clock of the Date response header, to stand for a computer whose clock is
  // off by as much the other way. Tokens keep the real time.
  clockSkewSeconds: 0,
});

/**
 * The grant types an Okta SPA app can have ticked. The provider serves the authorization code and
 * refresh token grants; `implicit` only stands for an app that has Implicit instead of
 * Authorization Code, whose code requests are then refused as Okta refuses them.
 */
export const GRANT_TYPES = Object.freeze(['authorization_code', 'implicit', 'refresh_token']);

const CALLBACK_PATH = '/login/callback';
// The largest clock skew accepted: a year either way.
const MAX_CLOCK_SKEW_SECONDS = 365 * 24 * 3600;

/**
 * `settings` with the values left undefined filled in from `appOrigins`, as the app's defaults
 * have it: what startDevProvider uses, whether the settings come from readSettings or from code.
 */
export function withDerivedSettings(settings) {
  const { appOrigins } = settings;
  return {
    ...settings,
    trustedOrigins: settings.trustedOrigins ?? appOrigins,
    redirectUris: settings.redirectUris ?? appOrigins.map((origin) => `${origin}${CALLBACK_PATH}`),
    // okta-auth-js sends window.location.origin, which has no trailing slash.
    postLogoutRedirectUris:
      settings.postLogoutRedirectUris ?? appOrigins.flatMap((origin) => [origin, `${origin}/`]),
  };
}

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
    appOrigins:
      parseOrigins(read('DEV_PROVIDER_APP_ORIGINS'), 'DEV_PROVIDER_APP_ORIGINS') ??
      DEFAULTS.appOrigins,
    trustedOrigins: parseOrigins(
      read('DEV_PROVIDER_TRUSTED_ORIGINS'),
      'DEV_PROVIDER_TRUSTED_ORIGINS',
    ),
    redirectUris: parseUris(read('DEV_PROVIDER_REDIRECT_URIS'), 'DEV_PROVIDER_REDIRECT_URIS'),
    postLogoutRedirectUris: parseUris(
      read('DEV_PROVIDER_POST_LOGOUT_URIS'),
      'DEV_PROVIDER_POST_LOGOUT_URIS',
    ),
    grantTypes: parseGrantTypes(read('DEV_PROVIDER_GRANT_TYPES')) ?? DEFAULTS.grantTypes,
    groupsClaim:
      parseSwitch(read('DEV_PROVIDER_GROUPS_CLAIM'), 'DEV_PROVIDER_GROUPS_CLAIM', 'on') ??
      DEFAULTS.groupsClaim,
    audience: parseAudience(read('DEV_PROVIDER_AUDIENCE')) ?? DEFAULTS.audience,
    accessTokenTtl: ttl('DEV_PROVIDER_ACCESS_TOKEN_TTL', DEFAULTS.accessTokenTtl),
    idTokenTtl: ttl('DEV_PROVIDER_ID_TOKEN_TTL', DEFAULTS.idTokenTtl),
    refreshTokenTtl: ttl('DEV_PROVIDER_REFRESH_TOKEN_TTL', DEFAULTS.refreshTokenTtl),
    sessionTtl: ttl('DEV_PROVIDER_SESSION_TTL', DEFAULTS.sessionTtl),
    // Passwords may legitimately have surrounding spaces, so this one is not trimmed.
    password: env.DEV_PROVIDER_PASSWORD || DEFAULTS.password,
    totpSecret: parseTotpSecret(read('DEV_PROVIDER_TOTP_SECRET')) ?? DEFAULTS.totpSecret,
    lockoutSeconds: ttl('DEV_PROVIDER_LOCKOUT_SECONDS', DEFAULTS.lockoutSeconds),
    dpop: parseDpopMode(read('DEV_PROVIDER_DPOP')) ?? DEFAULTS.dpop,
    faults:
      parseSwitch(read('DEV_PROVIDER_FAULTS'), 'DEV_PROVIDER_FAULTS', 'off') ?? DEFAULTS.faults,
    clockSkewSeconds:
      parseClockSkew(read('DEV_PROVIDER_CLOCK_SKEW_SECONDS')) ?? DEFAULTS.clockSkewSeconds,
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
function parseSwitch(value, name, unsetWord) {
  if (value === undefined) return undefined;
  const word = value.toLowerCase();
  if (word !== 'on' && word !== 'off') {
    throw new SettingsError(
      `${name} must be "on" or "off" (or unset, which is ${unsetWord}), not "${value}".`,
    );
  }
  return word === 'on';
}

/**
 * DEV_PROVIDER_TOTP_SECRET: a base32 secret (case, spaces and padding as authenticator apps show
 * them are accepted) of at least 128 bits, in the canonical form apps take. Undefined when unset.
 */
export function parseTotpSecret(value) {
  if (value === undefined) return undefined;
  let bytes;
  try {
    bytes = base32Decode(value);
  } catch {
    bytes = undefined;
  }
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    throw new SettingsError(
      // The value is a secret: the sentence does not repeat it.
      'DEV_PROVIDER_TOTP_SECRET must be a base32 secret (letters A to Z and digits 2 to 7, spaces allowed) of at least 26 characters (128 bits), such as a 32-character authenticator key.',
    );
  }
  return base32Encode(bytes);
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

function parseOrigins(value, name) {
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
        `${name} must be a comma-separated list of origins such as http://localhost:4200, not "${value}".`,
      );
    }
  }
  if (origins.length === 0) {
    throw new SettingsError(`${name} must name at least one origin.`);
  }
  return Object.freeze([...new Set(origins.map((entry) => URL.parse(entry).origin))]);
}

// Okta compares redirect URIs as exact, case-sensitive strings, so each is kept as written: the
// URL parser would add a slash to http://localhost:4200, which is a different URI.
function parseUris(value, name) {
  if (value === undefined) return undefined;
  const uris = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of uris) {
    const url = URL.parse(entry);
    const isUri =
      ['http:', 'https:'].includes(url?.protocol) &&
      !entry.includes('#') &&
      !url.username &&
      !url.password &&
      !/\s/.test(entry);
    if (!isUri) {
      throw new SettingsError(
        `${name} must be a comma-separated list of absolute http or https URIs without a fragment, such as http://localhost:4200/login/callback, not "${value}".`,
      );
    }
  }
  if (uris.length === 0) throw new SettingsError(`${name} must name at least one URI.`);
  return Object.freeze([...new Set(uris)]);
}

// An Okta SPA app needs Authorization Code or Implicit; Refresh Token alone cannot be saved.
function parseGrantTypes(value) {
  if (value === undefined) return undefined;
  const grants = [
    ...new Set(
      value
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const known = grants.length > 0 && grants.every((grant) => GRANT_TYPES.includes(grant));
  if (!known || !(grants.includes('authorization_code') || grants.includes('implicit'))) {
    throw new SettingsError(
      `DEV_PROVIDER_GRANT_TYPES must be a comma-separated list of authorization_code, implicit and refresh_token that names authorization_code or implicit, not "${value}".`,
    );
  }
  return Object.freeze(grants);
}

function parseClockSkew(value) {
  if (value === undefined) return undefined;
  const seconds = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!(Math.abs(seconds) <= MAX_CLOCK_SKEW_SECONDS)) {
    throw new SettingsError(
      `DEV_PROVIDER_CLOCK_SKEW_SECONDS must be a whole number of seconds from -${MAX_CLOCK_SKEW_SECONDS} to ${MAX_CLOCK_SKEW_SECONDS} (negative puts the provider's clock behind), not "${value}".`,
    );
  }
  // -0 would print as "0" but compare oddly with Object.is.
  return seconds + 0;
}
