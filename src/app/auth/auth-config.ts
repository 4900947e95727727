/**
 * The Okta settings the app needs, validated once at start-up.
 *
 * This file has no imports on purpose: the start-up scripts (Node) import it too, so a bad `.env`
 * and a bad `config.json` are rejected by the same rules, with the same sentence.
 */
export interface AuthConfig {
  /** Authorization server, e.g. `https://dev-123456.okta.com/oauth2/default`. No trailing slash. */
  readonly issuer: string;
  /** The SPA app's client id (public client: no secret). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Exact origins that may receive the access token. Anything else gets no `Authorization`. */
  readonly apiOrigins: readonly string[];
  /** Where okta-auth-js keeps tokens. `sessionStorage` limits exposure to one tab's lifetime. */
  readonly tokenStorage: TokenStorage;
  /** How long any request to Okta may take before sign-in gives up with a message. */
  readonly requestTimeoutSeconds: number;
  /**
   * Bind the tokens to a key that never leaves this browser (DPoP, RFC 9449): a stolen access or
   * refresh token is then worthless without it. The Okta app must require DPoP too.
   */
  readonly dpop: boolean;
  /**
   * With `dpop`: accept unbound Bearer tokens when DPoP cannot be used (a browser without WebCrypto
   * or IndexedDB, an Okta app that does not bind). Off by default: DPoP then fails closed.
   */
  readonly dpopAllowBearer: boolean;
  /**
   * End the session after this many minutes without user input in any tab, with a warning a minute
   * before; 0 (the default) never does. For apps left open on shared computers.
   */
  readonly idleTimeoutMinutes: number;
}

/** DPoP is on and may not fall back: an unbound token must never be used. */
export function requiresDpop(config: Pick<AuthConfig, 'dpop' | 'dpopAllowBearer'>): boolean {
  return config.dpop && !config.dpopAllowBearer;
}

export const TOKEN_STORAGES = ['sessionStorage', 'localStorage', 'memory'] as const;
export type TokenStorage = (typeof TOKEN_STORAGES)[number];

export const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** Which name to use for each field in error messages: config.json keys or environment variables. */
export type ConfigFieldNames = Record<keyof AuthConfig, string>;

const FIELD_NAMES: ConfigFieldNames = {
  issuer: 'issuer',
  clientId: 'clientId',
  scopes: 'scopes',
  apiOrigins: 'apiOrigins',
  tokenStorage: 'tokenStorage',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  dpop: 'dpop',
  dpopAllowBearer: 'dpopAllowBearer',
  idleTimeoutMinutes: 'idleTimeoutMinutes',
};

export class AuthConfigError extends Error {
  // A plain field, not a parameter property: Node's type stripping only accepts erasable syntax.
  readonly field: keyof AuthConfig;

  constructor(field: keyof AuthConfig, message: string) {
    super(message);
    this.name = 'AuthConfigError';
    this.field = field;
  }
}

/**
 * Validates raw settings (parsed JSON or environment values) and returns a frozen `AuthConfig`.
 * Throws an `AuthConfigError` whose message is one sentence naming the setting at fault.
 */
export function parseAuthConfig(raw: unknown, names: ConfigFieldNames = FIELD_NAMES): AuthConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AuthConfigError('issuer', 'The configuration must be a JSON object.');
  }
  const input = raw as Record<string, unknown>;
  return Object.freeze({
    issuer: parseIssuer(input['issuer'], names.issuer),
    clientId: parseClientId(input['clientId'], names.clientId),
    scopes: Object.freeze(parseScopes(input['scopes'], names.scopes)),
    apiOrigins: Object.freeze(parseOrigins(input['apiOrigins'], names.apiOrigins)),
    tokenStorage: parseTokenStorage(input['tokenStorage'], names.tokenStorage),
    requestTimeoutSeconds: parseTimeout(
      input['requestTimeoutSeconds'],
      names.requestTimeoutSeconds,
    ),
    dpop: parseSwitch(input['dpop'], 'dpop', names.dpop, true),
    dpopAllowBearer: parseSwitch(
      input['dpopAllowBearer'],
      'dpopAllowBearer',
      names.dpopAllowBearer,
      false,
    ),
    idleTimeoutMinutes: parseIdleTimeout(input['idleTimeoutMinutes'], names.idleTimeoutMinutes),
  });
}

/** True for http://localhost-style URLs, the only place where plain http is acceptable. */
export function isLoopbackUrl(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function parseIssuer(value: unknown, name: string): string {
  const text = requireText(
    value,
    name,
    'issuer',
    'e.g. https://dev-123456.okta.com/oauth2/default',
  );
  if (/[{}]/.test(text)) {
    throw new AuthConfigError(
      'issuer',
      `${name} still holds a placeholder ("${text}"); use your Okta org's issuer.`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthConfigError(
      'issuer',
      `${name} must be an http(s) URL such as https://dev-123456.okta.com/oauth2/default, not "${text}".`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    throw new AuthConfigError(
      'issuer',
      `${name} must be an https URL (plain http only on localhost), not "${text}".`,
    );
  }
  if (url.hostname.includes('-admin.')) {
    throw new AuthConfigError(
      'issuer',
      `${name} points at the Okta Admin Console ("${url.hostname}"); remove "-admin" to use your org's URL.`,
    );
  }
  if (/[?#]/.test(text) || url.username || url.password) {
    throw new AuthConfigError(
      'issuer',
      `${name} must not contain a query, fragment or credentials ("${text}").`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function parseClientId(value: unknown, name: string): string {
  const text = requireText(value, name, 'client id', 'the Client ID of your Okta SPA app');
  if (/[\s{}]/.test(text)) {
    throw new AuthConfigError(
      'clientId',
      `${name} must be the Client ID of your Okta SPA app, not "${text}".`,
    );
  }
  return text;
}

function parseScopes(value: unknown, name: string): string[] {
  if (value === undefined || value === '') return [...DEFAULT_SCOPES];
  const scopes =
    typeof value === 'string'
      ? value.split(/\s+/).filter(Boolean)
      : Array.isArray(value) && value.every((scope) => typeof scope === 'string')
        ? (value as string[])
        : null;
  if (!scopes || !scopes.includes('openid')) {
    throw new AuthConfigError(
      'scopes',
      `${name} must be a space-separated list of scopes that includes "openid".`,
    );
  }
  return [...new Set(scopes)];
}

function parseOrigins(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(list)) {
    throw new AuthConfigError(
      'apiOrigins',
      `${name} must be a list of origins such as https://api.example.com.`,
    );
  }
  return list.map((entry: unknown) => {
    let url: URL | null = null;
    try {
      url = typeof entry === 'string' ? new URL(entry) : null;
    } catch {
      url = null;
    }
    // An origin has no path, query or credentials; anything else would make "exact match" ambiguous.
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.href !== `${url.origin}/`) {
      throw new AuthConfigError(
        'apiOrigins',
        `${name} must hold origins only (scheme, host and port), not "${String(entry)}".`,
      );
    }
    // The access token must not cross the network in clear text; http is for localhost only.
    if (url.protocol === 'http:' && !isLoopbackUrl(url)) {
      throw new AuthConfigError(
        'apiOrigins',
        `${name} must use https (plain http only on localhost), not "${String(entry)}".`,
      );
    }
    return url.origin;
  });
}

function parseTokenStorage(value: unknown, name: string): TokenStorage {
  if (value === undefined || value === '') return 'sessionStorage';
  if (typeof value === 'string' && (TOKEN_STORAGES as readonly string[]).includes(value)) {
    return value as TokenStorage;
  }
  throw new AuthConfigError(
    'tokenStorage',
    `${name} must be one of ${TOKEN_STORAGES.join(', ')}, not "${String(value)}".`,
  );
}

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;

function parseTimeout(value: unknown, name: string): number {
  if (value === undefined || value === '') return DEFAULT_REQUEST_TIMEOUT_SECONDS;
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1 || seconds > 120) {
    throw new AuthConfigError(
      'requestTimeoutSeconds',
      `${name} must be a number of seconds between 1 and 120, not "${String(value)}".`,
    );
  }
  return seconds;
}

/** The longest idle timeout: a day. The shortest leaves a minute of use before the minute of warning. */
export const MAX_IDLE_TIMEOUT_MINUTES = 1440;

function parseIdleTimeout(value: unknown, name: string): number {
  if (value === undefined || value === '') return 0;
  const minutes = typeof value === 'string' ? Number(value) : value;
  if (
    minutes !== 0 &&
    !(
      Number.isInteger(minutes) &&
      (minutes as number) >= 2 &&
      (minutes as number) <= MAX_IDLE_TIMEOUT_MINUTES
    )
  ) {
    throw new AuthConfigError(
      'idleTimeoutMinutes',
      `${name} must be 0 (off) or a whole number of minutes from 2 to ${MAX_IDLE_TIMEOUT_MINUTES}, not "${String(value)}".`,
    );
  }
  return minutes as number;
}

function parseSwitch(
  value: unknown,
  field: 'dpop' | 'dpopAllowBearer',
  name: string,
  fallback: boolean,
): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AuthConfigError(field, `${name} must be true or false, not "${String(value)}".`);
}

function requireText(value: unknown, name: string, what: string, example: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) {
    const field = what === 'issuer' ? 'issuer' : 'clientId';
    throw new AuthConfigError(field, `${name} is missing: set it to ${example}.`);
  }
  return text;
}
