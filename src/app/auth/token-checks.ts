/**
 * ID token checks that okta-auth-js 7.14 skips in the authorization code flow (OpenID Connect Core
 * §3.1.3.7) and on renewal (§12.2). Pure functions: each returns a problem (a short phrase) or null.
 */

/** okta-auth-js's default tolerance for clock differences, in seconds. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** What the ID token must match for this sign-in. */
export interface IdTokenExpectations {
  /** The configured issuer (not the one discovery advertised). */
  readonly issuer: string;
  readonly clientId: string;
  /** The nonce sent in this sign-in's authorization request. */
  readonly nonce: string | undefined;
  readonly nowSeconds: number;
  /** Tolerated clock difference; okta-auth-js's default is 300 seconds. */
  readonly maxClockSkewSeconds: number;
}

/** The only signature algorithm Okta uses for ID tokens. */
export const ALLOWED_ALGORITHMS = ['RS256'];

/** Checks the JOSE header: `alg: none`, HS256 tricks and key-less tokens are refused up front. */
export function findIdTokenHeaderProblem(idToken: string): string | null {
  const header = decodeJwtPart(idToken, 0);
  if (!header) return 'the ID token is not a well-formed JWT';
  if (typeof header['alg'] !== 'string' || !ALLOWED_ALGORITHMS.includes(header['alg'])) {
    return `the ID token is signed with ${String(header['alg'])}, not ${ALLOWED_ALGORITHMS.join(' or ')}`;
  }
  if (typeof header['kid'] !== 'string' || !header['kid'])
    return 'the ID token names no signing key';
  return null;
}

/** Checks the claims of a (signature-verified) ID token against this sign-in. */
export function findIdTokenClaimsProblem(
  claims: Readonly<Record<string, unknown>>,
  expected: IdTokenExpectations,
): string | null {
  const { nonce } = expected;
  return (
    findCommonClaimsProblem(claims, expected) ??
    (!nonce || claims['nonce'] !== nonce ? 'the ID token does not belong to this sign-in' : null)
  );
}

/** What a renewed ID token must match: the sign-in's rules, and the session's current ID token. */
export interface RenewedIdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  /** The claims of the ID token the session holds now (the one being replaced). */
  readonly previous: Readonly<Record<string, unknown>>;
  readonly nowSeconds: number;
  readonly maxClockSkewSeconds: number;
}

/**
 * Checks the claims of an ID token that replaces the session's current one (a refresh token grant,
 * or another tab's copy of the session): every sign-in check except the nonce, which a refreshed
 * token need not carry, plus OpenID Connect Core §12.2: `iss`, `sub` and `aud` as in the current
 * ID token, and an `auth_time`, if present, that still names the original authentication.
 */
export function findRenewedIdTokenClaimsProblem(
  claims: Readonly<Record<string, unknown>>,
  expected: RenewedIdTokenExpectations,
): string | null {
  const common = findCommonClaimsProblem(claims, expected);
  if (common) return common;
  const { previous } = expected;
  if (claims['iss'] !== previous['iss']) return 'the new ID token comes from another issuer';
  if (claims['sub'] !== previous['sub']) return 'the new ID token names another user';
  if (!sameAudience(claims['aud'], previous['aud'])) {
    return 'the new ID token has another audience';
  }
  if ('auth_time' in claims && claims['auth_time'] !== previous['auth_time']) {
    return 'the new ID token claims another sign-in (auth_time changed)';
  }
  return null;
}

/** The checks every ID token passes, whatever brought it: §3.1.3.7 without the nonce. */
function findCommonClaimsProblem(
  claims: Readonly<Record<string, unknown>>,
  expected: Omit<IdTokenExpectations, 'nonce'>,
): string | null {
  const { issuer, clientId, nowSeconds, maxClockSkewSeconds: skew } = expected;
  if (claims['iss'] !== issuer) return 'the ID token comes from another issuer';
  const audience = claims['aud'];
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(clientId)) return 'the ID token was issued to another application';
  // §3.1.3.7 (4, 5): with several audiences, azp must name us.
  if (audiences.length > 1 && claims['azp'] !== clientId) {
    return 'the ID token has several audiences and is not authorized for this application';
  }
  if (typeof claims['sub'] !== 'string' || !claims['sub']) return 'the ID token names no user';
  if (typeof claims['exp'] !== 'number') return 'the ID token has no expiry';
  if (typeof claims['iat'] !== 'number') return 'the ID token has no issue time';
  if (claims['exp'] + skew < nowSeconds) return 'the ID token has expired';
  if (claims['iat'] - skew > nowSeconds) return 'the ID token was issued in the future';
  return null;
}

function sameAudience(a: unknown, b: unknown): boolean {
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
  const [left, right] = [list(a), list(b)];
  return left.length === right.length && left.every((entry, index) => entry === right[index]);
}

/** The decoded payload of a compact JWT, or null when it is not one. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> | null {
  return decodeJwtPart(jwt, 1);
}

function decodeJwtPart(jwt: string, index: number): Record<string, unknown> | null {
  const part = jwt.split('.')[index];
  if (!part) return null;
  try {
    const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (char) =>
      char.charCodeAt(0),
    );
    // Claims are UTF-8 JSON (RFC 7519 §7.2): a user named Zoë must decode as Zoë.
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
