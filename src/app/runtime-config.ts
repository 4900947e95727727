import { AuthConfig, fetchConfigJson, FetchConfig, parseAuthConfig } from './auth';

/** What `config.json`, served beside index.html, holds; one build runs in every environment. */
export interface RuntimeConfig {
  readonly auth: AuthConfig;
  /** Base URL of the sample API, e.g. `http://localhost:8000`. */
  readonly apiUrl: string;
  /** The Okta group whose members may open /admin. */
  readonly adminGroup: string;
  /** The audience the API requires in access tokens (OKTA_AUDIENCE), for the diagnostics page. */
  readonly apiAudience: string;
}

export const DEFAULT_ADMIN_GROUP = 'Admins';

/** Validates parsed `config.json`. The API's origin is allow-listed for the access token by default. */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const apiUrl = parseApiUrl(input['apiUrl']);
  const auth = parseAuthConfig({ apiOrigins: [new URL(apiUrl).origin], ...input });
  return {
    auth,
    apiUrl,
    adminGroup: parseGroup(input['adminGroup']),
    apiAudience: parseAudience(input['apiAudience']),
  };
}

/** Fetches and validates `config.json`; rejects with a readable message on any failure. */
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
  if (value === undefined || value === '') return DEFAULT_ADMIN_GROUP;
  if (typeof value !== 'string' || !value.trim()) {
    throw new Error(`adminGroup must be the name of an Okta group, not "${String(value)}".`);
  }
  return value.trim();
}
