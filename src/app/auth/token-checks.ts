/**
 * ID token checks that okta-auth-js 7.14 skips in the authorization code flow, from OpenID Connect
 * Core §3.1.3.7. Pure functions: each returns a problem (a short phrase) or null.
 */

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
  const { issuer, clientId, nonce, nowSeconds, maxClockSkewSeconds: skew } = expected;
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
  if (!nonce || claims['nonce'] !== nonce) return 'the ID token does not belong to this sign-in';
  return null;
}

function decodeJwtPart(jwt: string, index: number): Record<string, unknown> | null {
  const part = jwt.split('.')[index];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
