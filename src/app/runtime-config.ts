import { AuthConfig, fetchConfigJson, FetchConfig, parseAuthConfig } from './auth';

/** What `config.json`, served beside index.html, holds; one build runs in every environment. */
export interface RuntimeConfig {
  readonly auth: AuthConfig;
  /** Base URL of the sample API, e.g. `http://localhost:8000`. */
  readonly apiUrl: string;
  /** The Okta group whose members may open /admin. */
  readonly adminGroup: string;
  /** The `acr` /admin needs (OKTA_ADMIN_ACR), e.g. `urn:okta:loa:2fa:any`. */
  readonly adminAcr: string;
  /** How old, in seconds, the authentication behind /admin may be (OKTA_ADMIN_MAX_AGE). */
  readonly adminMaxAgeSeconds: number;
  /** The audience the API requires in access tokens (OKTA_AUDIENCE), for the diagnostics page. */
  readonly apiAudience: string;
}

export const DEFAULT_ADMIN_GROUP = 'Admins';
/** Two factors, as Okta predefines it, within the last quarter of an hour. */
export const DEFAULT_ADMIN_ACR = 'urn:okta:loa:2fa:any';
export const DEFAULT_ADMIN_MAX_AGE_SECONDS = 900;

/** Validates parsed `config.json`. The API's origin is allow-listed for the access token by default. */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const apiUrl = parseApiUrl(input['apiUrl']);
  const auth = parseAuthConfig({ apiOrigins: [new URL(apiUrl).origin], ...input });
  return {
    auth,
    apiUrl,
    adminGroup: parseGroup(input['adminGroup']),
    adminAcr: parseText(
      input['adminAcr'],
      DEFAULT_ADMIN_ACR,
      `adminAcr must be acr values such as ${DEFAULT_ADMIN_ACR}`,
    ),
    adminMaxAgeSeconds: parseMaxAge(input['adminMaxAgeSeconds']),
    apiAudience: parseAudience(input['apiAudience']),
  };
}

/**
 * Validates `config.json`: the copy embedded in index.html by a server that does so
 * (scripts/serve.mjs), else fetched. Rejects with a readable message on any failure.
 */
export async function loadRuntimeConfig(
  url = 'config.json', // relative to <base href>, so the app can live under a sub-path
  fetchConfig?: FetchConfig,
): Promise<RuntimeConfig> {
  return parseRuntimeConfig(await fetchConfigJson(url, fetchConfig));
}

function parseApiUrl(value: unknown): string {
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new Error(
      `apiUrl must be an http(s) URL such as http://localhost:8000, not "${String(value)}".`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

export const DEFAULT_API_AUDIENCE = 'api://default';

function parseAudience(value: unknown): string {
  if (value === undefined || value === '') return DEFAULT_API_AUDIENCE;
  if (typeof value !== 'string' || !value.trim()) {
    throw new Error(
      `apiAudience must be an audience such as api://default, not "${String(value)}".`,
    );
  }
  return value.trim();
}

function parseGroup(value: unknown): string {
  return parseText(value, DEFAULT_ADMIN_GROUP, 'adminGroup must be the name of an Okta group');
}

function parseText(value: unknown, fallback: string, rule: string): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !value.trim())
    throw new Error(`${rule}, not "${String(value)}".`);
  return value.trim();
}

function parseMaxAge(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_ADMIN_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new Error(
      `adminMaxAgeSeconds must be a whole number of seconds, not "${String(value)}".`,
    );
  }
  return value as number;
}
