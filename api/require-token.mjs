// Bearer-token check for protected routes (RFC 6750). Signature, expiry, issuer and audience are
// verified with jose against the issuer's published keys; the checks around it cover what a
// resource server must decide for itself: which clients' tokens it takes, and which scopes each
// route needs. Errors are answered as RFC 6750 §3 says.
//
// Not @okta/jwt-verifier: it looks keys up through jwks-rsa, whose cache is per kid and whose fetch
// budget (10 a minute) is shared by every caller, so ten junk tokens with made-up kids left a valid
// token whose key was not cached yet with no budget, and it was refused. jose checks each token
// against the cached key set and refetches for an unknown kid at most once per cooldown, so junk
// kids cannot crowd out the keys the issuer publishes. See api/README.md.

import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

import { printable, printableText } from './printable.mjs';
import { sendError } from './respond.mjs';

const REALM = 'api';

// RFC 6750 §2.1: "Bearer" 1*SP b64token. The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
// The Bearer scheme, well-formed or not: "Bearer" not followed by another token character, so
// "Bearer", "Bearer a b" and 'Bearer"t' are malformed Bearer credentials, while "Bearerx t" and
// "XBearer t" are some other scheme (RFC 9110 §5.6.2 tchar).
const BEARER_SCHEME = /^Bearer(?![!#$%&'*+.^_`|~0-9A-Za-z-])/i;

// A signed JWT in compact form: three non-empty base64url segments. Anything else is refused
// before it reaches the key lookup.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// Key-set fetching: an unknown kid refetches the issuer's keys at most once per cooldown (a token
// signed with a key the issuer has just started using passes once the cooldown is over); a known
// kid never waits for a fetch until the cached set is older than its maximum age.
const KEY_REFETCH_COOLDOWN_MS = 30_000;
const KEY_SET_MAX_AGE_MS = 10 * 60_000;
const KEY_FETCH_TIMEOUT_MS = 5_000;

// jose errors that mean "no trusted key has this kid" rather than "the keys could not be fetched".
const TOKEN_KEY_ERRORS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys];

/** The issuer's keys could not be fetched or read: the token may be fine. */
class KeyFetchError extends Error {
  name = 'KeyFetchError';
}

// Fixed sentences: what went wrong in detail goes to the log only, never to the caller.
const DESCRIPTIONS = {
  noCredentials: 'Send an access token: Authorization: Bearer <token>.',
  malformedHeader: 'The Authorization header must be the Bearer scheme followed by one token',
  repeatedHeader: 'Send one Authorization header',
  malformedToken: 'The access token is not a signed JWT',
  expired: 'The access token has expired',
  invalid: 'The access token is not valid for this API',
  insufficientScope: 'The access token lacks a scope this endpoint needs',
};

/**
 * Returns `requireToken(req, res, scopes)`: it resolves to the token's verified claims, or answers
 * the request itself (400, 401, 403 or 503) and resolves to null. `clientIds` lists the clients
 * whose tokens are accepted (the `cid` claim); `scopes` are those the calling route needs, every
 * one of them in the token's `scp`.
 */
export function createRequireToken({ issuer, audience, clientIds, log = () => {} }) {
  // Okta publishes a custom authorization server's keys at ${issuer}/v1/keys. Plain http is only
  // possible for a loopback issuer, which config.mjs checks.
  const keySet = createRemoteJWKSet(new URL(`${issuer}/v1/keys`), {
    cooldownDuration: KEY_REFETCH_COOLDOWN_MS,
    cacheMaxAge: KEY_SET_MAX_AGE_MS,
    timeoutDuration: KEY_FETCH_TIMEOUT_MS,
  });
  // Okta signs every token with a kid; without one, a key set of one key would match anything.
  const keyFor = async (header, token) => {
    if (typeof header.kid !== 'string' || !header.kid) throw new errors.JWKSNoMatchingKey();
    try {
      return await keySet(header, token);
    } catch (err) {
      if (TOKEN_KEY_ERRORS.some((type) => err instanceof type)) throw err;
      throw new KeyFetchError(describe(err), { cause: err });
    }
  };
  const allowedClients = new Set(clientIds);

  return async function requireToken(req, res, scopes) {
    const credentials = readBearerCredentials(req);
    if (credentials.missing) {
      // §3.1: no credentials, or another scheme, gets a challenge without an error code.
      sendError(res, 401, 'unauthorized', DESCRIPTIONS.noCredentials, {
        'WWW-Authenticate': `Bearer realm="${REALM}"`,
      });
      return null;
    }
    if (credentials.malformed) {
      return answer(res, 400, 'invalid_request', credentials.malformed);
    }
    const { token } = credentials;
    if (!COMPACT_JWS.test(token)) return rejectToken(res, DESCRIPTIONS.malformedToken);

    let claims;
    try {
      // The algorithm is pinned, so alg "none" and HS256 keyed with the public key fail before any
      // key lookup.
      ({ payload: claims } = await jwtVerify(token, keyFor, {
        algorithms: ['RS256'],
        issuer,
        audience,
      }));
    } catch (err) {
      if (err instanceof KeyFetchError) {
        log(`Could not fetch signing keys from the issuer: ${err.message}`);
        sendError(
          res,
          503,
          'temporarily_unavailable',
          'The API could not fetch the signing keys needed to check the access token.',
          { 'Retry-After': '10' },
        );
        return null;
      }
      log(`Rejected access token: ${describe(err)}`);
      const expired = err instanceof errors.JWTExpired;
      return rejectToken(res, expired ? DESCRIPTIONS.expired : DESCRIPTIONS.invalid);
    }

    const problem = claimProblem(claims, allowedClients);
    if (problem) {
      log(`Rejected access token: ${problem}`);
      return rejectToken(res, DESCRIPTIONS.invalid);
    }

    const missing = scopes.filter((scope) => !claims.scp.includes(scope));
    if (missing.length > 0) {
      log(
        `Refused access token of ${printable(claims.sub)}: it lacks the scopes ${missing.join(' ')}`,
      );
      // §3.1: the scope attribute lists every scope the resource needs, not only the missing ones.
      return answer(res, 403, 'insufficient_scope', DESCRIPTIONS.insufficientScope, {
        scope: scopes.join(' '),
      });
    }
    return claims;
  };
}

// Node keeps only the first of repeated Authorization headers in req.headers, so the repeats are
// counted on headersDistinct: two headers are two ways of sending a token (§3.1, invalid_request).
function readBearerCredentials(req) {
  const headers = req.headersDistinct.authorization ?? [];
  if (headers.length > 1) return { malformed: DESCRIPTIONS.repeatedHeader };
  const header = headers[0]?.trim() ?? '';
  if (!BEARER_SCHEME.test(header)) return { missing: true };
  const token = BEARER_CREDENTIALS.exec(header)?.[1];
  return token ? { token } : { malformed: DESCRIPTIONS.malformedHeader };
}

// Checked here, not left to the library, so that the rules are visible in one place: a token must
// expire, a non-numeric nbf is refused rather than ignored, and the routes need a subject to know
// who is calling; cid and scp are Okta's claims for the client and the granted scopes.
function claimProblem(claims, allowedClients) {
  if (typeof claims.exp !== 'number') return 'it has no numeric exp claim';
  if (claims.nbf !== undefined && typeof claims.nbf !== 'number') return 'its nbf is not numeric';
  if (typeof claims.sub !== 'string' || !claims.sub) return 'it has no sub claim';
  // Only strings are in the set, so a missing or non-string cid never matches.
  if (!allowedClients.has(claims.cid)) {
    return `it was issued to the client ${printable(claims.cid)}, which is not in API_CLIENT_IDS`;
  }
  const { scp } = claims;
  if (!Array.isArray(scp) || !scp.every((scope) => typeof scope === 'string')) {
    return 'its scp claim is not a list of scopes';
  }
  return undefined;
}

function rejectToken(res, description) {
  return answer(res, 401, 'invalid_token', description);
}

// Sends `error` both in the challenge (for OAuth clients) and in the JSON body (for the app), and
// resolves requireToken to null.
function answer(res, status, error, description, attributes = {}) {
  const challenge = [
    `realm="${REALM}"`,
    `error="${error}"`,
    `error_description="${quotable(description)}"`,
    ...Object.entries(attributes).map(([name, value]) => `${name}="${quotable(value)}"`),
  ].join(', ');
  sendError(res, status, error, description, { 'WWW-Authenticate': `Bearer ${challenge}` });
  return null;
}

// RFC 6750 §3 limits attribute values to printable ASCII without " and \.
function quotable(text) {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}

// Library messages can quote claim values from the token, so they are made printable; a failed
// claim check names the claim and its (printable) value, such as the wrong audience.
function describe(err) {
  if (!(err instanceof Error)) return printableText(err);
  const claim =
    err instanceof errors.JWTClaimValidationFailed
      ? ` (${err.claim}: ${printable(err.payload?.[err.claim])})`
      : '';
  const cause = err.cause ? ` (${describe(err.cause)})` : '';
  return printableText(`${err.message || err.code || err.name}${claim}${cause}`);
}
