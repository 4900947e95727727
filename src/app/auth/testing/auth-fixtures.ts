// Test-only builders for the auth folder's specs: one place for the config, JWT and token literals
// that every spec needs. Nothing in the app imports this file, so it never reaches a bundle.
import type { AccessToken, IDToken, RefreshToken, Tokens } from '@okta/okta-auth-js/core';
import type { Provider } from '@angular/core';
import type { AuthConfig } from '../auth-config';
import { OKTA_LOADING, OktaLoading, OktaRuntime } from '../okta-loader';
import * as oktaRuntime from '../okta-runtime';

export const TEST_ISSUER = 'https://dev-123456.okta.com/oauth2/default';
export const TEST_CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
export const TEST_SUB = '00u1abcd';
/** 2100-01-01T00:00:00Z: far enough away that no fixture token expires during a test. */
export const FAR_FUTURE_SECONDS = 4102444800;
/** 2020-09-13T12:26:40Z: a fixed "now" for claim checks. */
export const TEST_NOW_SECONDS = 1_600_000_000;

/** A valid AuthConfig; override what the test is about. */
export function testAuthConfig(overrides: Partial<AuthConfig> = {}): AuthConfig {
  return {
    issuer: TEST_ISSUER,
    clientId: TEST_CLIENT_ID,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    apiOrigins: [],
    tokenStorage: 'sessionStorage',
    requestTimeoutSeconds: 15,
    dpop: false,
    dpopAllowBearer: false,
    idleTimeoutMinutes: 0,
    ...overrides,
  };
}

/** Base64url of the value's UTF-8 JSON, without padding, as in a JWT. */
export function base64UrlJson(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A compact JWT with a fake signature: for code that decodes, never for code that verifies. */
export function unsignedJwt(
  payload: unknown,
  header: unknown = { alg: 'RS256', kid: 'test-key' },
): string {
  return `${base64UrlJson(header)}.${base64UrlJson(payload)}.c2lnbmF0dXJl`;
}

/** ID token claims that pass every check in token-checks.ts at TEST_NOW_SECONDS. */
export function testIdTokenClaims(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: TEST_ISSUER,
    aud: TEST_CLIENT_ID,
    sub: TEST_SUB,
    iat: TEST_NOW_SECONDS - 10,
    exp: TEST_NOW_SECONDS + 3600,
    auth_time: TEST_NOW_SECONDS - 20,
    ...overrides,
  };
}

const tokenBase = {
  expiresAt: FAR_FUTURE_SECONDS,
  authorizeUrl: `${TEST_ISSUER}/v1/authorize`,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
};

/** An okta-auth-js IDToken whose `idToken` string decodes to its `claims`. */
export function testIdToken(claims: Record<string, unknown> = { sub: TEST_SUB }): IDToken {
  return {
    ...tokenBase,
    idToken: unsignedJwt(claims),
    claims: claims as IDToken['claims'],
    issuer: TEST_ISSUER,
    clientId: TEST_CLIENT_ID,
  };
}

export function testAccessToken(
  value = 'access.token.jwt',
  overrides: Partial<AccessToken> = {},
): AccessToken {
  return {
    ...tokenBase,
    accessToken: value,
    claims: { sub: TEST_SUB },
    tokenType: 'Bearer',
    userinfoUrl: `${TEST_ISSUER}/v1/userinfo`,
    ...overrides,
  };
}

export function testRefreshToken(value = 'refresh-token'): RefreshToken {
  return {
    ...tokenBase,
    refreshToken: value,
    tokenUrl: `${TEST_ISSUER}/v1/token`,
    issuer: TEST_ISSUER,
  };
}

/**
 * A signed-in set that passes every check of token-set-checks.ts at TEST_NOW_SECONDS: an ID token
 * whose JWT carries full claims (for `clientId`), an access token and a refresh token. Override the
 * token values or claims a test is about.
 */
export function testSession(
  options: {
    readonly clientId?: string;
    readonly accessToken?: string;
    readonly refreshToken?: string;
    readonly claims?: Record<string, unknown>;
  } = {},
): Tokens {
  const clientId = options.clientId ?? TEST_CLIENT_ID;
  // A JSON round trip drops claims set to undefined, as the JWT does: `{ exp: undefined }` means "no exp".
  const claims = JSON.parse(
    JSON.stringify(testIdTokenClaims({ aud: clientId, ...options.claims })),
  ) as Record<string, unknown>;
  // An hour from TEST_NOW_SECONDS: the checks refuse an expiry more than a day away.
  const expiresAt = TEST_NOW_SECONDS + 3600;
  return {
    idToken: { ...testIdToken(claims), clientId, expiresAt },
    accessToken: testAccessToken(options.accessToken, { expiresAt }),
    refreshToken: { ...testRefreshToken(options.refreshToken), expiresAt },
  };
}

/** A full signed-in set: ID, access and refresh token. */
export function testTokens(overrides: Partial<Tokens> = {}): Tokens {
  return {
    idToken: testIdToken(),
    accessToken: testAccessToken(),
    refreshToken: testRefreshToken(),
    ...overrides,
  };
}

/**
 * OKTA_LOADING for specs that provide their own OKTA_AUTH: the Okta chunk counts as in, so guards
 * and the interceptor go on at once, as they do in the app once the first page has loaded it.
 */
export function provideOktaLoaded(): Provider {
  return { provide: OKTA_LOADING, useFactory: () => new LoadedOkta() };
}

/** An OktaLoading whose chunk is in from the start. */
class LoadedOkta extends OktaLoading {
  constructor() {
    super(() => Promise.resolve(oktaRuntime));
    void this.start();
  }

  override get current(): OktaRuntime {
    return oktaRuntime;
  }
}

/**
 * An empty `<script type="application/json" id="app-config">` in <head>, where a server that
 * embeds config.json (scripts/serve.mjs) writes it; the test fills it and removes it afterwards.
 */
export function embeddedConfigBlock(): HTMLScriptElement {
  const block = document.createElement('script');
  block.type = 'application/json';
  block.id = 'app-config';
  document.head.append(block);
  return block;
}

/** What a config load came to: 'accepted', or the class and sentence of the error it rejected with. */
export function loadOutcome(load: Promise<unknown>): Promise<unknown> {
  return load.then(
    () => 'accepted',
    (error: Error) => [error.constructor, error.message],
  );
}
