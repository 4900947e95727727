// Access-token check for protected routes: DPoP-bound tokens with a proof (RFC 9449 §7.1), and,
// with API_DPOP=allowed, unbound Bearer tokens (RFC 6750). Signature, expiry, issuer and audience
// are verified with jose against the issuer's published keys; the checks around it cover what a
// resource server must decide for itself: which clients' tokens it takes, that a bound token comes
// with a proof by its key (dpop-proof.mjs) and is never accepted as a bearer token, which scopes
// each route needs, and, for a sensitive route, how strong and how recent the user's authentication
// must be (its acr and auth_time claims). Errors are answered as RFC 6750 §3 and RFC 9449 §7.1 say,
// and a too weak or too old authentication as RFC 9470 §3 says.
//
// Not @okta/jwt-verifier: it looks keys up through jwks-rsa, whose cache is per kid and whose fetch
// budget (10 a minute) is shared by every caller, so ten junk tokens with made-up kids left a valid
// token whose key was not cached yet with no budget, and it was refused. jose checks each token
// against the cached key set and refetches for an unknown kid at most once per cooldown, so junk
// kids cannot crowd out the keys the issuer publishes. See api/README.md.

import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

import { acrSatisfies, authTimeFresh, stepUpNeeded } from '../src/app/auth/acr.ts';
import { DPOP_ALGORITHMS, DpopProofError, DpopReplayCheckError } from './dpop-proof.mjs';
import { describeError, printable } from './printable.mjs';
import { sendError } from './respond.mjs';

const REALM = 'api';
const ALGS = DPOP_ALGORITHMS.join(' ');

// RFC 6750 §2.1 and RFC 9449 §7.1: the scheme, 1*SP, then one b64token / token68 (the same
// characters). The scheme is case-insensitive (RFC 9110 §11.1).
const CREDENTIALS = /^(?:Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i;
// The Bearer or DPoP scheme, well-formed or not: the name not followed by another token character,
// so "Bearer", "DPoP a b" and 'Bearer"t' are malformed credentials of that scheme, while
// "Bearerx t" and "XDPoP t" are some other scheme (RFC 9110 §5.6.2 tchar).
const SCHEME = /^(Bearer|DPoP)(?![!#$%&'*+.^_`|~0-9A-Za-z-])/i;

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

// How far a token's auth_time may lie ahead of this API's clock, when the issuer's runs fast. It
// never stretches the age a route allows (acr.ts); without it, a token fresh from a step-up would
// be "from the future", challenged again, and the user sent round in a loop.
const AUTH_TIME_SKEW_SECONDS = 300; // as the app allows for iat and exp (okta-auth-js maxClockSkew)

// The schemes each API_DPOP mode accepts, in the order the challenges list them: DPoP first, since
// a client that can do both should.
const SCHEMES = { required: ['dpop'], allowed: ['dpop', 'bearer'] };

/** The issuer's keys could not be fetched or read: the token may be fine. */
class KeyFetchError extends Error {
  name = 'KeyFetchError';
}

// Fixed sentences: what went wrong in detail goes to the log only, never to the caller.
const DESCRIPTIONS = {
  noCredentials: {
    required: 'Send an access token with a proof: Authorization: DPoP <token> and DPoP: <proof>.',
    allowed:
      'Send an access token: Authorization: DPoP <token> with a DPoP proof, or Bearer <token>.',
  },
  malformedHeader:
    'The Authorization header must be the DPoP or Bearer scheme followed by one token',
  repeatedHeader: 'Send one Authorization header',
  malformedToken: 'The access token is not a signed JWT',
  expired: 'The access token has expired',
  invalid: 'The access token is not valid for this API',
  insufficientScope: 'The access token lacks a scope this endpoint needs',
  boundAsBearer:
    'The access token is bound to a DPoP key, send it with the DPoP scheme and a proof',
  dpopRequired:
    'This API accepts only DPoP-bound access tokens, sent with the DPoP scheme and a proof',
  notBound:
    'The access token is not bound to a DPoP key, so the DPoP scheme cannot be used with it',
  proofWithBearer: 'A DPoP proof goes with the DPoP scheme, not with Bearer',
  badBinding: 'The access token is bound to something this API cannot check',
  // RFC 9470 §3: the token is fine, the authentication behind it is not enough.
  weakAuthentication: 'This endpoint needs a stronger authentication',
  staleAuthentication: 'This endpoint needs a more recent authentication',
  weakAndStaleAuthentication: 'This endpoint needs a stronger and more recent authentication',
};

/**
 * Returns `requireToken(req, res, scopes, authentication)`: it resolves to the token's verified
 * claims, or answers the request itself (400, 401, 403 or 503) and resolves to null. `clientIds`
 * lists the clients whose tokens are accepted (the `cid` claim); `scopes` are those the calling
 * route needs, every one of them in the token's `scp`; `authentication`, when given, is what the
 * route needs of the user's sign-in (`{ acr, maxAgeSeconds }`, see src/app/auth/acr.ts), read from
 * the token's `acr` and `auth_time`. `dpop` is `required` (only DPoP-bound tokens, with a proof) or
 * `allowed` (unbound Bearer tokens too); `dpopVerifier` checks the proofs (dpop-proof.mjs), and
 * `publicUrl()` is the URL the app calls the API at, to which the request path is appended for the
 * proof's htu.
 */
export function createRequireToken({
  issuer,
  audience,
  clientIds,
  dpop,
  dpopVerifier,
  publicUrl,
  log = () => {},
}) {
  if (!Object.hasOwn(SCHEMES, dpop)) throw new TypeError('dpop must be required or allowed.');
  const acceptedSchemes = SCHEMES[dpop];
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
      throw new KeyFetchError(describeError(err), { cause: err });
    }
  };
  const allowedClients = new Set(clientIds);

  return async function requireToken(req, res, scopes, authentication) {
    const credentials = readCredentials(req);
    // Which challenge carries the error: the scheme the request used, when that scheme is
    // accepted, otherwise DPoP (accepted in both modes).
    const schemeFor = (scheme) => (acceptedSchemes.includes(scheme) ? scheme : 'dpop');
    const respond = (status, error, description, options = {}) =>
      answer(res, { status, error, description, acceptedSchemes, ...options });

    if (credentials.missing) {
      // §3.1: no credentials, or another scheme, gets the challenges without an error code.
      sendError(res, 401, 'unauthorized', DESCRIPTIONS.noCredentials[dpop], {
        'WWW-Authenticate': acceptedSchemes.map((scheme) => challenge(scheme)).join(', '),
      });
      return null;
    }
    if (credentials.malformed) {
      return respond(400, 'invalid_request', credentials.malformed, {
        scheme: schemeFor(credentials.scheme),
      });
    }
    const { scheme, token } = credentials;
    const rejectToken = (description, rejectScheme = schemeFor(scheme)) =>
      respond(401, 'invalid_token', description, { scheme: rejectScheme });
    if (!COMPACT_JWS.test(token)) return rejectToken(DESCRIPTIONS.malformedToken);

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
      log(`Rejected access token: ${describeError(err)}`);
      const expired = err instanceof errors.JWTExpired;
      return rejectToken(expired ? DESCRIPTIONS.expired : DESCRIPTIONS.invalid);
    }

    const problem = claimProblem(claims, allowedClients);
    if (problem) {
      log(`Rejected access token: ${problem}`);
      return rejectToken(DESCRIPTIONS.invalid);
    }

    const caller = printable(claims.sub);
    const binding = bindingOf(claims);
    if (binding.problem) {
      log(`Rejected access token of ${caller}: ${binding.problem}`);
      return rejectToken(DESCRIPTIONS.badBinding, 'dpop');
    }
    const proofs = req.headersDistinct.dpop ?? [];

    if (scheme === 'bearer') {
      // RFC 9449 §7.2: a bound token sent as a bearer token is what a stolen one looks like; taking
      // it would make the binding worthless.
      if (binding.jkt) {
        log(`Refused the DPoP-bound access token of ${caller} sent as Bearer (a stolen token?)`);
        return rejectToken(DESCRIPTIONS.boundAsBearer, 'dpop');
      }
      if (dpop === 'required') {
        log(`Refused the unbound access token of ${caller}: API_DPOP is required`);
        return rejectToken(DESCRIPTIONS.dpopRequired, 'dpop');
      }
      if (proofs.length > 0) {
        log(`Refused the access token of ${caller}: a DPoP proof came with the Bearer scheme`);
        return respond(400, 'invalid_request', DESCRIPTIONS.proofWithBearer, { scheme });
      }
    } else {
      if (!binding.jkt) {
        log(`Refused the access token of ${caller}: sent with the DPoP scheme, but not bound`);
        return rejectToken(DESCRIPTIONS.notBound);
      }
      try {
        const { nonce } = await dpopVerifier.verify({
          proofs,
          method: req.method,
          url: `${publicUrl()}${pathOf(req.url)}`,
          accessToken: token,
          jkt: binding.jkt,
        });
        // §9: a server may hand out its next nonce with any answer.
        if (nonce) res.setHeader('DPoP-Nonce', nonce);
      } catch (err) {
        if (err instanceof DpopReplayCheckError) {
          log(err.message);
          sendError(
            res,
            503,
            'temporarily_unavailable',
            'The API could not check the DPoP proof for reuse. Try again shortly.',
            { 'Retry-After': '5' },
          );
          return null;
        }
        if (!(err instanceof DpopProofError)) throw err;
        log(`Refused the DPoP proof for the access token of ${caller}: ${err.reason}`);
        return respond(401, err.error, err.message, {
          scheme: 'dpop',
          headers: err.nonce ? { 'DPoP-Nonce': err.nonce } : {},
        });
      }
    }

    const missing = scopes.filter((scope) => !claims.scp.includes(scope));
    if (missing.length > 0) {
      log(`Refused access token of ${caller}: it lacks the scopes ${missing.join(' ')}`);
      // §3.1: the scope attribute lists every scope the resource needs, not only the missing ones.
      return respond(403, 'insufficient_scope', DESCRIPTIONS.insufficientScope, {
        scheme,
        attributes: { scope: scopes.join(' ') },
      });
    }
    // Last: a step-up is worth the user's trouble only for a token that passes everything else.
    if (authentication) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const stepUp = stepUpNeeded(claims, authentication, nowSeconds, AUTH_TIME_SKEW_SECONDS);
      if (stepUp) {
        const shortfall = shortfallOf(claims, authentication, nowSeconds);
        log(`Refused the access token of ${caller}: ${shortfall.reason}`);
        // Both requirements, whichever fell short, so that one sign-in meets both (acr.ts).
        return respond(401, 'insufficient_user_authentication', shortfall.description, {
          scheme,
          attributes: { acr_values: stepUp.acrValues, max_age: stepUp.maxAge },
        });
      }
    }
    return claims;
  };
}

// Which part of the requirement the token's authentication misses, for the log (with the claims'
// values) and for the caller (a fixed sentence).
function shortfallOf(claims, { acr, maxAgeSeconds }, nowSeconds) {
  const reasons = [];
  const weak = acr !== undefined && !acrSatisfies(claims.acr, acr);
  if (weak) reasons.push(`its acr ${printable(claims.acr)} does not satisfy ${acr}`);
  const stale =
    maxAgeSeconds !== undefined &&
    !authTimeFresh(claims.auth_time, maxAgeSeconds, nowSeconds, AUTH_TIME_SKEW_SECONDS);
  if (stale) {
    const age = typeof claims.auth_time === 'number' ? nowSeconds - claims.auth_time : undefined;
    reasons.push(
      age === undefined || Number.isNaN(age)
        ? `it has no numeric auth_time (${printable(claims.auth_time)})`
        : age < 0
          ? `its auth_time is ${-age} s ahead of this API's clock`
          : `its auth_time is ${age} s ago, more than ${maxAgeSeconds} s`,
    );
  }
  const description = weak
    ? stale
      ? DESCRIPTIONS.weakAndStaleAuthentication
      : DESCRIPTIONS.weakAuthentication
    : DESCRIPTIONS.staleAuthentication;
  return { reason: reasons.join('; '), description };
}

// Node keeps only the first of repeated Authorization headers in req.headers, so the repeats are
// counted on headersDistinct: two headers are two ways of sending a token (§3.1, invalid_request).
// `scheme` is "bearer" or "dpop" when the (first) header names one of them.
function readCredentials(req) {
  const headers = req.headersDistinct.authorization ?? [];
  const header = headers[0]?.trim() ?? '';
  const scheme = SCHEME.exec(header)?.[1].toLowerCase();
  if (headers.length > 1) return { malformed: DESCRIPTIONS.repeatedHeader, scheme };
  if (!scheme) return { missing: true };
  const token = CREDENTIALS.exec(header)?.[1];
  return token ? { scheme, token } : { malformed: DESCRIPTIONS.malformedHeader, scheme };
}

// RFC 7800 §3.1 and RFC 9449 §6.1: a token bound to a DPoP key says so with cnf.jkt, the key's
// SHA-256 thumbprint. A cnf this API cannot check (a certificate binding, RFC 8705, or a jkt that
// is not a thumbprint) refuses the token, rather than letting it pass as a bearer token; so does a
// jkt beside another member, since checking the key alone would ignore a binding the issuer meant
// to be checked too.
function bindingOf(claims) {
  const { cnf } = claims;
  if (cnf === undefined) return {};
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    return { problem: 'its cnf claim is not an object' };
  }
  const members = Object.keys(cnf);
  if (typeof cnf.jkt !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(cnf.jkt)) {
    return { problem: `its cnf claim has no SHA-256 jkt (members: ${printable(members)})` };
  }
  if (members.length !== 1) {
    return { problem: `its cnf claim has members besides jkt (${printable(members)})` };
  }
  return { jkt: cnf.jkt };
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

// A challenge for `scheme`, with the error attributes when given: Bearer with its realm (RFC 6750
// §3), DPoP with the algorithms it takes for proofs (RFC 9449 §7.1).
function challenge(scheme, errorAttributes = []) {
  const own = scheme === 'dpop' ? `DPoP algs="${ALGS}"` : `Bearer realm="${REALM}"`;
  return [own, ...errorAttributes].join(', ');
}

// Sends `error` both in the challenge (for OAuth clients) and in the JSON body (for the app), and
// resolves requireToken to null. The error goes in the challenge of `scheme`; the other accepted
// scheme follows without one, so a client knows it may use that too.
function answer(
  res,
  { status, error, description, scheme, acceptedSchemes, attributes = {}, headers = {} },
) {
  const errorAttributes = [
    `error="${error}"`,
    `error_description="${quotable(description)}"`,
    ...Object.entries(attributes)
      .filter(([, value]) => value !== undefined)
      // A number is a token and goes unquoted, as RFC 9470 §3 writes max_age.
      .map(([name, value]) =>
        typeof value === 'number' ? `${name}=${value}` : `${name}="${quotable(value)}"`,
      ),
  ];
  const challenges = [
    challenge(scheme, errorAttributes),
    ...acceptedSchemes.filter((other) => other !== scheme).map((other) => challenge(other)),
  ];
  sendError(res, status, error, description, {
    ...headers,
    'WWW-Authenticate': challenges.join(', '),
  });
  return null;
}

// Parsed by hand, like the router: new URL() would read a request target like //evil.test/x as a
// host. The query is not part of a proof's htu.
function pathOf(requestTarget = '') {
  return requestTarget.split(/[?#]/, 1)[0];
}

// RFC 6750 §3 limits attribute values to printable ASCII without " and \.
function quotable(text) {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}
