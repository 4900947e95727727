// DPoP proof verification for a resource server (RFC 9449 §4.3 and §7.1), shared by the sample
// API and the embedded provider's /v1/userinfo. jose does the JOSE work (the signature by the
// embedded jwk, the typ); everything else a proof must satisfy is checked here, in one place:
// which algorithms, a public key only, the request it names, its age, its access token, the key
// the token is bound to, the server's nonce and that it is used once.

import { createHash } from 'node:crypto';

import { EmbeddedJWK, calculateJwkThumbprint, errors, jwtVerify } from 'jose';

import { printable, printableText } from './printable.mjs';

/**
 * The proof algorithms accepted, also sent as the `algs` of the DPoP challenge. They are the ones
 * an Okta org accepts for DPoP: a proof at the API is signed with the key the token endpoint saw,
 * so a key Okta refuses never gets a bound token, and an algorithm beyond these would only widen
 * what this code accepts. Asymmetric only: a symmetric key would have to be shared with the
 * server, and "none" proves nothing.
 */
export const DPOP_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
]);

/** How far a proof's iat may be from the server's clock, either way, unless told otherwise. */
export const DEFAULT_IAT_WINDOW_SECONDS = 60;

// Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037
// §2). A proof that carries one has leaked its key: whoever saw the proof could sign with it.
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

// A signed JWT in compact form: three non-empty base64url segments, so "alg": "none" with an empty
// signature and JSON serialisations are refused before jose parses anything.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

// Fixed sentences for the caller; what exactly was wrong goes to the log only (`reason`). They stay
// within the characters that okta-auth-js's WWW-Authenticate parser reads inside quotes.
const MESSAGES = Object.freeze({
  missing: 'Send a DPoP proof in the DPoP header',
  repeated: 'Send exactly one DPoP header',
  invalid: 'The DPoP proof is not valid for this request',
  stale: 'The DPoP proof is too old or from the future, check the device clock',
  replayed: 'The DPoP proof has already been used, send a new one with each request',
  keyBinding: 'The DPoP proof is not signed by the key the access token is bound to',
  nonce: 'Send a DPoP proof that carries the nonce from the DPoP-Nonce header',
});

/**
 * A refused proof. `error` is the RFC 9449 error code for the challenge, `invalid_dpop_proof` or
 * `use_dpop_nonce`; `message` is a fixed sentence that quotes nothing from the request; `reason`
 * says what was wrong, for the log, made printable; `nonce`, for `use_dpop_nonce`, is the nonce to
 * send in the `DPoP-Nonce` response header.
 */
export class DpopProofError extends Error {
  name = 'DpopProofError';

  constructor(error, message, reason, { nonce, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.error = error;
    this.reason = printableText(reason);
    if (nonce !== undefined) this.nonce = nonce;
  }
}

/**
 * The replay cache could not say whether the proof is new (it is full, or a shared store is
 * unreachable). The proof may be fine, so it is not a DpopProofError; the request must still be
 * refused, since accepting it would accept replays too.
 */
export class DpopReplayCheckError extends Error {
  name = 'DpopReplayCheckError';
}

const invalid = (reason, message = MESSAGES.invalid) =>
  new DpopProofError('invalid_dpop_proof', message, reason);

/** base64url(SHA-256(access token)): the proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(accessToken) {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * `url` without query and fragment, its scheme and host in lower case and a default port dropped
 * (RFC 9449 §4.3 point 9, by way of WHATWG URL parsing), or undefined if it is not an http(s) URL.
 */
export function normalizeHtu(url) {
  if (typeof url !== 'string') return undefined;
  const parsed = URL.parse(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return undefined;
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/**
 * Returns `{ verify }`. `replayCache` (required) remembers the proofs already used, see
 * replay-cache.mjs. `nonces` (optional, see dpop-nonces.mjs) makes every proof carry a nonce this
 * server issued (RFC 9449 §9). `iatWindowSeconds` bounds a proof's age, and its iat in the future.
 *
 * `verify({ proofs, method, url, accessToken, jkt })` checks the request's DPoP headers (`proofs`,
 * every value, as in `req.headersDistinct.dpop`) against the request's method, the absolute URL
 * the proof must name (built from configuration, never from the Host header), the access token
 * that came with it and that token's `cnf.jkt`. It resolves to `{ jkt, jti, iat, nonce }`, `nonce`
 * being a fresh nonce to send in `DPoP-Nonce` when the proof's is no longer the current one, or
 * rejects with a DpopProofError (or a DpopReplayCheckError, see above).
 */
export function createDpopVerifier({
  replayCache,
  nonces,
  iatWindowSeconds = DEFAULT_IAT_WINDOW_SECONDS,
  now = () => Date.now(),
}) {
  if (typeof replayCache?.claim !== 'function') {
    throw new TypeError('createDpopVerifier needs a replayCache with claim(key, expiresAtMs).');
  }
  if (!Number.isInteger(iatWindowSeconds) || iatWindowSeconds <= 0) {
    throw new TypeError('iatWindowSeconds must be a positive whole number.');
  }
  const algorithms = [...DPOP_ALGORITHMS];

  // The jwk is checked before jose imports it: jose would refuse a private key too, but a leaked
  // key deserves its own log line.
  async function proofKey(header, token) {
    const { jwk } = header;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
      throw invalid('its header has no jwk object');
    }
    const leaked = PRIVATE_JWK_MEMBERS.filter((member) => Object.hasOwn(jwk, member));
    if (leaked.length > 0) {
      throw invalid(`its jwk carries private key members (${leaked.join(', ')})`);
    }
    return EmbeddedJWK(header, token);
  }

  async function verify({ proofs, method, url, accessToken, jkt }) {
    if (typeof accessToken !== 'string' || !accessToken || typeof jkt !== 'string' || !jkt) {
      throw new TypeError('verify needs the access token and its cnf.jkt.');
    }
    const expectedHtu = normalizeHtu(url);
    if (!expectedHtu) throw new TypeError('verify needs the absolute http(s) URL of the request.');

    // Two proofs would leave it open which one the request stands behind (§4.3 point 1).
    const headers = proofs ?? [];
    if (headers.length === 0) throw invalid('there is no DPoP header', MESSAGES.missing);
    if (headers.length > 1) throw invalid('there are several DPoP headers', MESSAGES.repeated);
    const proof = headers[0];
    if (typeof proof !== 'string' || !COMPACT_JWS.test(proof)) {
      throw invalid('it is not a compact JWS');
    }

    let payload;
    let protectedHeader;
    try {
      // typ and the algorithm allow-list are jose's checks; alg "none" and HS256 fail before the
      // key is even looked at.
      ({ payload, protectedHeader } = await jwtVerify(proof, proofKey, {
        typ: 'dpop+jwt',
        algorithms,
      }));
    } catch (err) {
      if (err instanceof DpopProofError) throw err;
      throw invalid(describe(err));
    }

    if (typeof payload.htm !== 'string' || payload.htm !== method) {
      throw invalid(`its htm ${printable(payload.htm)} is not the request method ${method}`);
    }
    // Query and fragment are not part of htu; comparing the rest catches another path, host, port
    // or scheme, whatever the Host header of this request claimed.
    const htu = normalizeHtu(payload.htu);
    if (htu !== expectedHtu) {
      throw invalid(`its htu ${printable(payload.htu, 200)} does not name ${expectedHtu}`);
    }

    const { iat } = payload;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('its iat is not a number');
    const nowMs = now();
    const windowMs = iatWindowSeconds * 1000;
    const ageMs = nowMs - iat * 1000;
    if (ageMs > windowMs || ageMs < -windowMs) {
      throw invalid(
        `its iat is ${Math.round(ageMs / 1000)} s from now, more than ${iatWindowSeconds} s`,
        MESSAGES.stale,
      );
    }

    const { jti } = payload;
    if (typeof jti !== 'string' || !jti) throw invalid('it has no jti');

    // The proof must be made for this very token (§4.3 point 11), so a proof made for another token
    // of the same key, or a stolen token with a proof made without it, do not pass.
    if (typeof payload.ath !== 'string' || payload.ath !== accessTokenHash(accessToken)) {
      throw invalid(
        payload.ath === undefined ? 'it has no ath' : 'its ath is not the hash of this token',
      );
    }

    const thumbprint = await calculateJwkThumbprint(protectedHeader.jwk, 'sha256');
    if (thumbprint !== jkt) {
      throw invalid(
        `it is signed by the key ${thumbprint}, not by ${printable(jkt)} the token is bound to`,
        MESSAGES.keyBinding,
      );
    }

    let nextNonce;
    if (nonces) {
      const state = typeof payload.nonce === 'string' ? nonces.check(payload.nonce) : 'invalid';
      if (state === 'invalid') {
        const reason = payload.nonce === undefined ? 'it has no nonce' : 'its nonce is not current';
        throw new DpopProofError('use_dpop_nonce', MESSAGES.nonce, reason, {
          nonce: nonces.current(),
        });
      }
      if (state !== 'current') nextNonce = nonces.current();
    }

    // Last, so that only a proof that passed everything else takes room in the cache: nobody but
    // the holder of a valid token and its key can fill it. The entry lives as long as the proof
    // would pass the iat check; the key is hashed so that a long jti costs no memory.
    const replayKey = createHash('sha256')
      .update(JSON.stringify([jkt, jti]))
      .digest('base64url');
    let fresh;
    try {
      fresh = await replayCache.claim(replayKey, iat * 1000 + windowMs);
    } catch (err) {
      throw new DpopReplayCheckError(
        `The DPoP replay cache could not record a proof: ${describe(err)}`,
        { cause: err },
      );
    }
    if (!fresh) throw invalid(`its jti ${printable(jti)} was used before`, MESSAGES.replayed);

    return { jkt: thumbprint, jti, iat, nonce: nextNonce };
  }

  return { verify };
}

// jose messages can quote the proof's header or claims, so they are made printable.
function describe(err) {
  if (!(err instanceof Error)) return printableText(err);
  const claim =
    err instanceof errors.JWTClaimValidationFailed
      ? ` (${err.claim}: ${printable(err.payload?.[err.claim])})`
      : '';
  return printableText(`${err.message || err.code || err.name}${claim}`);
}
