// Reads the app's settings from the environment, `.env` and the Okta CLI's `.okta.env`, validates
// them with the same rules the browser applies to config.json, and says in one sentence what is wrong.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, parseAdminAcr, parseAdminMaxAge } from '../api/config.mjs';
import { parseAuthConfig } from '../src/app/auth/auth-config.ts';

/** Error messages name the variable a developer sets, not the config.json key. */
const ENV_NAMES = {
  issuer: 'OKTA_ISSUER',
  clientId: 'OKTA_CLIENT_ID',
  scopes: 'OKTA_SCOPES',
  apiOrigins: 'API_URL',
  tokenStorage: 'OKTA_TOKEN_STORAGE',
  requestTimeoutSeconds: 'OKTA_REQUEST_TIMEOUT_SECONDS',
  dpop: 'OKTA_DPOP',
  dpopAllowBearer: 'OKTA_DPOP_ALLOW_BEARER',
  idleTimeoutMinutes: 'OKTA_IDLE_TIMEOUT_MINUTES',
};

export const DEFAULTS = {
  APP_PORT: '4200',
  API_URL: 'http://localhost:8000',
  OKTA_AUDIENCE: 'api://default',
  DEV_PROVIDER_PORT: '3000',
  DEV_PROVIDER_CLIENT_ID: '0oadevspaclient00001',
};

export class SettingsError extends Error {}

/**
 * Merges, lowest priority first: `.okta.env` (ISSUER, CLIENT_ID as written by `okta apps create spa`),
 * `.env`, then the process environment. Empty values count as unset.
 */
export function readEnvironment(root = process.cwd(), env = process.env) {
  const fromOktaCli = readEnvFile(resolve(root, '.okta.env'));
  const merged = {
    OKTA_ISSUER: fromOktaCli.ISSUER,
    OKTA_CLIENT_ID: fromOktaCli.CLIENT_ID,
    ...readEnvFile(resolve(root, '.env')),
  };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined && value !== ''),
  );
}

/** Everything `npm start`, `npm run serve:prod` and the tests need, derived from one environment. */
export function resolveSettings(vars) {
  const get = (name) => vars[name] ?? DEFAULTS[name];
  const appPort = parsePort(get('APP_PORT'), 'APP_PORT');
  const appOrigin = `http://localhost:${appPort}`;
  const apiUrl = parseHttpUrl(get('API_URL'), 'API_URL');
  const apiPort = vars.API_PORT
    ? parsePort(vars.API_PORT, 'API_PORT')
    : Number(new URL(apiUrl).port || (new URL(apiUrl).protocol === 'https:' ? 443 : 80));

  let devProvider = null;
  let issuer = vars.OKTA_ISSUER;
  let clientId = vars.OKTA_CLIENT_ID;
  if (!issuer) {
    if (clientId) {
      throw new SettingsError(
        'OKTA_CLIENT_ID is set but OKTA_ISSUER is not: set both to use your Okta org, or neither to use the embedded provider.',
      );
    }
    const port = parsePort(get('DEV_PROVIDER_PORT'), 'DEV_PROVIDER_PORT');
    issuer = `http://localhost:${port}/oauth2/default`;
    clientId = get('DEV_PROVIDER_CLIENT_ID');
    devProvider = { port, clientId };
  }

  let auth;
  try {
    auth = parseAuthConfig(
      {
        issuer,
        clientId,
        scopes: vars.OKTA_SCOPES,
        tokenStorage: vars.OKTA_TOKEN_STORAGE,
        requestTimeoutSeconds: vars.OKTA_REQUEST_TIMEOUT_SECONDS,
        dpop: vars.OKTA_DPOP,
        dpopAllowBearer: vars.OKTA_DPOP_ALLOW_BEARER,
        idleTimeoutMinutes: vars.OKTA_IDLE_TIMEOUT_MINUTES,
        // Only these origins receive the access token; by default just the API's own.
        apiOrigins: vars.API_ORIGINS ?? [new URL(apiUrl).origin],
      },
      { ...ENV_NAMES, apiOrigins: vars.API_ORIGINS ? 'API_ORIGINS' : 'API_URL' },
    );
  } catch (error) {
    throw new SettingsError(error.message);
  }

  let adminAcr;
  let adminMaxAgeSeconds;
  try {
    adminAcr = parseAdminAcr(vars.OKTA_ADMIN_ACR, 'OKTA_ADMIN_ACR');
    adminMaxAgeSeconds = parseAdminMaxAge(vars.OKTA_ADMIN_MAX_AGE, 'OKTA_ADMIN_MAX_AGE');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new SettingsError(error.message);
  }

  return {
    auth,
    audience: get('OKTA_AUDIENCE'),
    /** The sample API's client allow-list (checked by the API itself): by default the app's. */
    apiClientIds: vars.API_CLIENT_IDS ?? auth.clientId,
    /** Undefined: each API route requires its own default scopes. */
    apiRequiredScopes: vars.API_REQUIRED_SCOPES,
    /** Undefined: the API's own defaults for /api/admin/audit (api/config.mjs). */
    apiAdminAcr: vars.API_ADMIN_ACR,
    apiAdminMaxAge: vars.API_ADMIN_MAX_AGE,
    appPort,
    appOrigin,
    apiUrl,
    apiPort,
    devProvider,
    /** What the browser app reads as /config.json. */
    runtimeConfig: {
      issuer: auth.issuer,
      clientId: auth.clientId,
      scopes: auth.scopes,
      tokenStorage: auth.tokenStorage,
      requestTimeoutSeconds: auth.requestTimeoutSeconds,
      dpop: auth.dpop,
      dpopAllowBearer: auth.dpopAllowBearer,
      idleTimeoutMinutes: auth.idleTimeoutMinutes,
      apiUrl,
      apiOrigins: auth.apiOrigins,
      adminGroup: (vars.OKTA_ADMIN_GROUP ?? 'Admins').trim(),
      adminAcr,
      adminMaxAgeSeconds,
      apiAudience: get('OKTA_AUDIENCE'),
    },
  };
}

/** For the command-line entry points: the settings, or one sentence on stderr and exit code 1. */
export function loadSettingsOrExit(root = process.cwd(), env = process.env) {
  try {
    return loadSettings(root, env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
}

/** `readEnvironment` + `resolveSettings`. */
export function loadSettings(root = process.cwd(), env = process.env) {
  return resolveSettings(readEnvironment(root, env));
}

function readEnvFile(path) {
  if (!existsSync(path)) return {};
  // The Okta CLI writes `export ISSUER=...`; parseEnv does not know `export`.
  const text = readFileSync(path, 'utf8').replace(/^\s*export\s+/gm, '');
  return parseEnv(text);
}

function parsePort(value, name) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SettingsError(`${name} must be a port number between 1 and 65535, not "${value}".`);
  }
  return port;
}

function parseHttpUrl(value, name) {
  let url;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new SettingsError(
      `${name} must be an http(s) URL such as http://localhost:8000, not "${value}".`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
