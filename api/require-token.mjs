// Bearer-token check for protected routes (RFC 6750). Signature, expiry, issuer and audience are
// verified by @okta/jwt-verifier; the checks around it cover gaps in that library noted below.

import OktaJwtVerifier from '@okta/jwt-verifier';

import { isLocalHttpUrl } from './config.mjs';
import { sendError } from './respond.mjs';

const REALM = 'api';

// Anchored and case-insensitive on the scheme (RFC 6750 §2.1, RFC 9110 §11.1); the token is the
// b64token syntax, so "Bearer a b", "Bearer" and "xBearer t" are all malformed.
const BEARER_HEADER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

// A signed JWT in compact form: three non-empty base64url segments. Checked before the library sees
// the token because njwt throws from inside a callback when the signature segment is empty or
// missing, which escapes the promise and kills the process (okta/okta-jwt-verifier-js#62).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// jwks-rsa errors that mean "this token's kid is not one we trust" rather than "the issuer could
// not be reached". The rate limit is hit by floods of made-up kids, so it is the caller's problem.
const TOKEN_KEY_ERRORS = new Set(['SigningKeyNotFoundError', 'JwksRateLimitError']);
const KEY_RESOLVER_FAILURE = /^Error while resolving signing key/;

const DESCRIPTIONS = {
  malformedHeader: 'The Authorization header must be the Bearer scheme followed by one token',
  malformedToken: 'The access token is not a signed JWT',
  expired: 'The access token has expired',
  invalid: 'The access token is not valid for this API',
};

export function createRequireToken({ issuer, audience, log = () => {} }) {
  const verifier = new OktaJwtVerifier({
    issuer,
    // The library insists on https; a local development issuer (checked in config.mjs) is the one
    // case where plain http is acceptable.
    ...(isLocalHttpUrl(issuer) && { testing: { disableHttpsCheck: true } }),
  });

  // Sends the error response itself and returns null, or returns the verified claims.
  return async function requireToken(req, res) {
    const header = req.headers.authorization;
    if (header === undefined) {
      sendError(res, 401, 'unauthorized', 'Send an access token: Authorization: Bearer <token>.', {
        'WWW-Authenticate': `Bearer realm="${REALM}"`,
      });
      return null;
    }

    const token = BEARER_HEADER.exec(header)?.[1];
    if (!token) return rejectToken(res, DESCRIPTIONS.malformedHeader);
    if (!COMPACT_JWS.test(token)) return rejectToken(res, DESCRIPTIONS.malformedToken);

    let claims;
    try {
      ({ claims } = await verifier.verifyAccessToken(token, audience));
    } catch (err) {
      if (isKeyFetchFailure(err)) {
        log(`Could not fetch signing keys from the issuer: ${describe(err.innerError)}`);
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
      const expired = err?.userMessage === 'Jwt is expired';
      return rejectToken(res, expired ? DESCRIPTIONS.expired : DESCRIPTIONS.invalid);
    }

    const problem = missingClaimProblem(claims);
    if (problem) {
      log(`Rejected access token: ${problem}`);
      return rejectToken(res, DESCRIPTIONS.invalid);
    }
    return claims;
  };
}

// njwt only rejects an exp in the past, so a token without exp would never expire; and the routes
// need a subject to know who is calling.
function missingClaimProblem(claims) {
  if (typeof claims.exp !== 'number') return 'it has no numeric exp claim';
  if (claims.nbf !== undefined && typeof claims.nbf !== 'number') return 'its nbf is not numeric';
  if (typeof claims.sub !== 'string' || !claims.sub) return 'it has no sub claim';
  return undefined;
}

function isKeyFetchFailure(err) {
  const inner = err?.innerError;
  return (
    KEY_RESOLVER_FAILURE.test(err?.message ?? '') &&
    inner instanceof Error &&
    !TOKEN_KEY_ERRORS.has(inner.name)
  );
}

function rejectToken(res, description) {
  sendError(res, 401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${quotable(description)}"`,
  });
  return null;
}

// RFC 6750 §3 limits error_description to printable ASCII without " and \.
function quotable(text) {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}

// Library messages quote claim values from the token, so strip anything that could forge log lines.
function describe(err) {
  const text = err instanceof Error ? err.message || err.code || err.name : String(err);
  const cause = err?.innerError ? ` (${describe(err.innerError)})` : '';
  return `${text}${cause}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
