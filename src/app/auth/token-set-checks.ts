import type { AccessToken, IDToken, RefreshToken, Tokens } from '@okta/okta-auth-js/core';
import {
  decodeJwtPayload,
  findIdTokenHeaderProblem,
  findRenewedIdTokenClaimsProblem,
} from './token-checks';

/**
 * okta-auth-js's `tokenManager.expireEarlySeconds`: it reports a token as expired (and SessionSync
 * renews it) this long before its `expiresAt`. okta-auth-js forces its default, 30, outside
 * localhost, and the app does not change it.
 */
export const EXPIRE_EARLY_SECONDS = 30;

/**
 * No token the app stores may expire more than a day from now (Okta's longest access token
 * lifetime). okta-auth-js sets a timer for each expiry, and a delay past 2^31 ms (24.8 days)
 * overflows and fires at once: the token would be "expired" on arrival, a renewal storm.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** How deep `sameJson` looks; values nested deeper are called different (claims are shallow). */
const MAX_JSON_DEPTH = 32;

/** Where a token set comes from; the one difference is how fresh it must be. */
export type TokenSetSource =
  /** A refresh token grant this tab just made: it must last past the next renewal time. */
  | 'renewal'
  /** Another tab of the app, over the BroadcastChannel: it may be due for renewal already. */
  | 'another tab';

export interface TokenSetExpectations {
  readonly source: TokenSetSource;
  /** The configured issuer and client id. */
  readonly issuer: string;
  readonly clientId: string;
  /** The session this tab holds now: a new set must continue it (same issuer, user, audience). */
  readonly current: Tokens;
  readonly nowSeconds: number;
  readonly maxClockSkewSeconds: number;
  /** DPoP is on and may not fall back: an access token that is not DPoP-bound is refused. */
  readonly requireDpop: boolean;
}

/** okta-auth-js names a DPoP key pair with 4 random bytes in hex (its cryptoRandomValue(4)). */
const DPOP_PAIR_ID = /^[0-9a-f]{1,64}$/;

export type TokenSetVerdict =
  { readonly ok: true; readonly tokens: Tokens } | { readonly ok: false; readonly problem: string };

/**
 * The one gate for every token set that replaces or joins the session after sign-in: a renewal's
 * answer, or another tab's copy. Returns a clean copy (known fields only) to store, or the problem.
 *
 * - Shape: each token the type okta-auth-js stores, with a finite `expiresAt` at most a day away
 *   (MAX_TOKEN_LIFETIME_SECONDS). A missing, NaN or far-off expiry makes okta-auth-js's expiry
 *   timer fire at once, and each renewal would then start the next one: a renewal storm.
 * - Origin: issuer and client are the configured ones, and every endpoint URL a token carries is
 *   the one okta-auth-js derives from the issuer (a refresh token's `tokenUrl` is where okta-auth-js
 *   sends it, and an access token's `userinfoUrl` where it sends that).
 * - The ID token: RS256 with a `kid`, `claims` equal to its payload, and the claims checks of
 *   `findRenewedIdTokenClaimsProblem` against the session's current ID token.
 * - DPoP: a DPoP access token and its refresh token name one key pair (`dpopPairId`), the one the
 *   session already uses; a Bearer token is refused when DPoP is required. A
 *   renewal that came back unbound, or bound to another key, would otherwise be stored.
 *
 * Signatures are verified by okta-auth-js for renewals; a message from another tab is not
 * re-verified (whatever can post on the channel is same-origin and can write storage directly).
 */
export function checkTokenSet(input: unknown, expected: TokenSetExpectations): TokenSetVerdict {
  const fail = (problem: string): TokenSetVerdict => ({ ok: false, problem });
  if (!isPlainObject(input)) return fail('the token set is not an object');
  const urls = oauthUrlsOf(expected.issuer);

  const idToken = readIdToken(input['idToken'], urls, expected);
  if (typeof idToken === 'string') return fail(idToken);
  const accessToken = readAccessToken(input['accessToken'], urls, expected);
  if (typeof accessToken === 'string') return fail(accessToken);
  const refreshToken =
    input['refreshToken'] === undefined
      ? undefined
      : readRefreshToken(input['refreshToken'], urls, expected);
  if (typeof refreshToken === 'string') return fail(refreshToken);
  // Another tab's new sign-in of the same user (a step-up: a later auth_time, a new key pair)
  // replaces this tab's session rather than continuing it.
  const replaces = expected.source === 'another tab' && isReauthentication(idToken, expected);
  const continued = replaces ? { ...expected, current: {} } : expected;
  const bindingProblem = findBindingProblem(accessToken, refreshToken, continued);
  if (bindingProblem) return fail(bindingProblem);

  if (expected.source === 'renewal') {
    // A renewal that is due again at once would make the next renewal start at once.
    const renewAt = expected.nowSeconds + EXPIRE_EARLY_SECONDS;
    if (!(accessToken.expiresAt > renewAt)) return fail('the new access token expires at once');
    // okta-auth-js stores exp - iat + now as the ID token's expiresAt, so check exp itself too.
    const exp = (idToken.claims as unknown as Record<string, unknown>)['exp'];
    // (A missing or non-numeric exp is refused by the claims checks below.)
    if (!(idToken.expiresAt > renewAt) || (typeof exp === 'number' && !(exp > renewAt))) {
      return fail('the new ID token expires at once');
    }
  }
  const problem =
    findIdTokenHeaderProblem(idToken.idToken) ??
    findRenewedIdTokenClaimsProblem(idToken.claims as unknown as Record<string, unknown>, {
      issuer: expected.issuer,
      clientId: expected.clientId,
      // A tab without a session has nothing to continue: the claims then only meet the sign-in rules.
      previous: (continued.current.idToken?.claims ?? idToken.claims) as unknown as Record<
        string,
        unknown
      >,
      nowSeconds: expected.nowSeconds,
      maxClockSkewSeconds: expected.maxClockSkewSeconds,
    });
  if (problem) return fail(problem);
  return {
    ok: true,
    tokens: refreshToken ? { idToken, accessToken, refreshToken } : { idToken, accessToken },
  };
}

/**
 * The same user, issuer and audience as the session's ID token, from a later sign-in: a later
 * authentication (not in the future), or the same one with more methods (a second factor added
 * to the session, which Okta may give the same auth_time). OIDC Core §12.2's rule that auth_time
 * stays is for refreshes, not for these; a refresh of the old session (same auth_time, methods no
 * more) is no such thing, and would otherwise undo a step-up.
 */
function isReauthentication(
  idToken: IDToken,
  { current, nowSeconds, maxClockSkewSeconds }: TokenSetExpectations,
): boolean {
  const previous = current.idToken?.claims as Record<string, unknown> | undefined;
  const claims = idToken.claims as unknown as Record<string, unknown>;
  const [before, after] = [previous?.['auth_time'], claims['auth_time']];
  const methods = (amr: unknown) => (Array.isArray(amr) ? amr : []);
  const [had, has] = [methods(previous?.['amr']), methods(claims['amr'])];
  return (
    !!previous &&
    claims['iss'] === previous['iss'] &&
    claims['sub'] === previous['sub'] &&
    JSON.stringify(claims['aud']) === JSON.stringify(previous['aud']) &&
    typeof before === 'number' &&
    typeof after === 'number' &&
    after <= nowSeconds + maxClockSkewSeconds &&
    (after > before ||
      (after === before && has.length > had.length && had.every((m) => has.includes(m))))
  );
}

function findBindingProblem(
  accessToken: AccessToken,
  refreshToken: RefreshToken | undefined,
  { requireDpop, current }: TokenSetExpectations,
): string | undefined {
  const pairId = accessToken.dpopPairId;
  if (isDpopType(accessToken.tokenType)) {
    if (pairId === undefined) return 'the DPoP access token names no key pair';
  } else if (requireDpop) {
    // okta-auth-js names the key pair it made even on a Bearer token it was allowed to accept.
    return "the access token is not bound to this browser's key (DPoP)";
  }
  if (refreshToken && refreshToken.dpopPairId !== pairId) {
    return 'the refresh token is bound to another key than the access token';
  }
  const currentPairId = current.accessToken?.dpopPairId ?? current.refreshToken?.dpopPairId;
  if (current.accessToken || current.refreshToken) {
    if (currentPairId !== pairId) return 'the tokens are bound to another key than the session';
  }
  return undefined;
}

/**
 * Whether this tab can send the access token as it is bound: a DPoP token needs okta-auth-js's DPoP
 * on (for its proofs), an unbound one must not be used while DPoP is required. A session that
 * fails this was stored before the settings changed, and no request may use it.
 */
export function canUseBinding(
  tokenType: string | undefined,
  { oktaDpop, requireDpop }: { readonly oktaDpop: boolean; readonly requireDpop: boolean },
): boolean {
  return isDpopType(tokenType) ? oktaDpop : !requireDpop;
}

/** RFC 6749 §7.1: the token type is case-insensitive. */
export function isDpopType(tokenType: string | undefined): boolean {
  return tokenType?.toLowerCase() === 'dpop';
}

interface OAuthUrls {
  readonly authorize: string;
  readonly token: string;
  readonly userinfo: string;
}

/** The endpoint URLs okta-auth-js derives from the issuer (its getOAuthUrls, without overrides). */
export function oauthUrlsOf(issuer: string): OAuthUrls {
  const base = issuer.indexOf('/oauth2') > 0 ? issuer : `${issuer}/oauth2`;
  return {
    authorize: `${base}/v1/authorize`,
    token: `${base}/v1/token`,
    userinfo: `${base}/v1/userinfo`,
  };
}

function readIdToken(
  value: unknown,
  urls: OAuthUrls,
  expected: TokenSetExpectations,
): IDToken | string {
  const { issuer, clientId } = expected;
  if (!isPlainObject(value)) return 'there is no ID token';
  const { idToken, claims, expiresAt, scopes, authorizeUrl } = value;
  if (!isText(idToken)) return 'the ID token is not a string';
  if (!isPlainObject(claims)) return 'the ID token has no claims';
  if (!sameJson(decodeJwtPayload(idToken), claims)) {
    return 'the ID token claims differ from the token itself';
  }
  if (!isUsableExpiry(expiresAt, expected)) return 'the ID token has no usable expiry time';
  if (!isScopes(scopes)) return 'the ID token has no scopes';
  if (authorizeUrl !== urls.authorize) return 'the ID token names another authorize endpoint';
  if (value['issuer'] !== issuer) return 'the ID token is stored for another issuer';
  if (value['clientId'] !== clientId) return 'the ID token is stored for another application';
  return {
    idToken,
    claims: claims as unknown as IDToken['claims'],
    expiresAt,
    scopes: [...scopes],
    authorizeUrl,
    issuer,
    clientId,
  };
}

function readAccessToken(
  value: unknown,
  urls: OAuthUrls,
  expected: TokenSetExpectations,
): AccessToken | string {
  if (!isPlainObject(value)) return 'there is no access token';
  const { accessToken, claims, expiresAt, tokenType, scopes, authorizeUrl, userinfoUrl } = value;
  const dpopPairId = readPairId(value);
  if (!isText(accessToken)) return 'the access token is not a string';
  if (!isPlainObject(claims)) return 'the access token has no claims';
  if (!isUsableExpiry(expiresAt, expected)) return 'the access token has no usable expiry time';
  if (!isText(tokenType) || !/^(bearer|dpop)$/i.test(tokenType)) {
    return 'the access token is neither a Bearer nor a DPoP token';
  }
  if (dpopPairId === null) return 'the access token names a malformed DPoP key pair';
  if (!isScopes(scopes)) return 'the access token has no scopes';
  if (authorizeUrl !== urls.authorize) return 'the access token names another authorize endpoint';
  if (userinfoUrl !== urls.userinfo) return 'the access token names another userinfo endpoint';
  return {
    accessToken,
    claims: claims as unknown as AccessToken['claims'],
    expiresAt,
    tokenType,
    scopes: [...scopes],
    authorizeUrl,
    userinfoUrl,
    ...(dpopPairId !== undefined && { dpopPairId }),
  };
}

function readRefreshToken(
  value: unknown,
  urls: OAuthUrls,
  expected: TokenSetExpectations,
): RefreshToken | string {
  if (!isPlainObject(value)) return 'the refresh token is not an object';
  const { refreshToken, expiresAt, scopes, tokenUrl, authorizeUrl, issuer } = value;
  const dpopPairId = readPairId(value);
  if (!isText(refreshToken)) return 'the refresh token is not a string';
  if (dpopPairId === null) return 'the refresh token names a malformed DPoP key pair';
  if (!isUsableExpiry(expiresAt, expected)) return 'the refresh token has no usable expiry time';
  if (!isScopes(scopes)) return 'the refresh token has no scopes';
  if (tokenUrl !== urls.token) return 'the refresh token names another token endpoint';
  if (authorizeUrl !== urls.authorize) return 'the refresh token names another authorize endpoint';
  if (issuer !== expected.issuer) return 'the refresh token is stored for another issuer';
  return {
    refreshToken,
    expiresAt,
    scopes: [...scopes],
    tokenUrl,
    authorizeUrl,
    issuer,
    ...(dpopPairId !== undefined && { dpopPairId }),
  };
}

/** The token's DPoP key pair id: undefined when it names none, null when it is malformed. */
function readPairId(token: Record<string, unknown>): string | undefined | null {
  const value = token['dpopPairId'];
  if (value === undefined) return undefined;
  return typeof value === 'string' && DPOP_PAIR_ID.test(value) ? value : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A finite expiry no more than MAX_TOKEN_LIFETIME_SECONDS away. */
function isUsableExpiry(value: unknown, { nowSeconds }: TokenSetExpectations): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value <= nowSeconds + MAX_TOKEN_LIFETIME_SECONDS
  );
}

function isScopes(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((scope) => typeof scope === 'string');
}

/**
 * Deep equality of JSON values, whatever the key order. Values nested deeper than MAX_JSON_DEPTH
 * are called different: a hostile claim nested thousands deep would otherwise overflow the stack.
 */
export function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > MAX_JSON_DEPTH) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key], depth + 1))
  );
}
