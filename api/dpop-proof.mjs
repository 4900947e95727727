// DPoP proof verification for a resource server (RFC 9449 §4.3 and §7.1), shared by the sample
// API and the embedded provider's /v1/userinfo. jose does the JOSE work (the signature by the
// embedded jwk, the typ); everything else a proof must satisfy is checked here, in one place:
// which algorithms, a public key of a sane shape only, the key the token is bound to, the request
// it names, its age, its access token, the server's nonce and that it is used once.
//
// The proof's key is the caller's choice, and verifying a signature is the one costly step, so
// every check on the header that costs nothing (the algorithm, the key's shape, its thumbprint
// against the token's cnf.jkt) comes first: a proof by a key the token is not bound to, or by an
// RSA key made to be slow, is refused without a signature verification.

import { createHash } from 'node:crypto';

import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';

import { describeError, printable, printableText } from './printable.mjs';

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

// The key type each algorithm family signs with (RFC 7518 §3.1).
const KEY_TYPES = Object.freeze({ RS: 'RSA', ES: 'EC' });

// RSA proof keys as WebCrypto (and so okta-auth-js) makes them: e = 65537 and a 2048-bit modulus,
// up to 4096 bits for other clients. A verification's cost grows with the exponent's length, and
// faster than the modulus's, so a key with a huge exponent or modulus would make each proof cost
// 5 to 20 times (with an exponent as long as the modulus, hundreds of times) what a normal one
// does.
const RSA_EXPONENT = 'AQAB';
const RSA_MODULUS_BITS = Object.freeze({ min: 2048, max: 4096 });
const BASE64URL = /^[A-Za-z0-9_-]+$/;

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

    let header;
    try {
      header = decodeProtectedHeader(proof);
    } catch (err) {
      throw invalid(describeError(err));
    }
    const problem = proofHeaderProblem(header);
    if (problem) throw invalid(problem);

    // Before the signature: a proof that names another key than the token's is refused for free,
    // whatever its signature. The signature is not checked yet, hence "says".
    let thumbprint;
    try {
      thumbprint = await calculateJwkThumbprint(header.jwk, 'sha256');
    } catch (err) {
      throw invalid(`its jwk has no thumbprint: ${describeError(err)}`);
    }
    if (thumbprint !== jkt) {
      throw invalid(
        `its jwk says it is signed by the key ${thumbprint}, not by ${printable(jkt)} the token is bound to`,
        MESSAGES.keyBinding,
      );
    }

    let payload;
    try {
      // typ and the algorithm allow-list are jose's checks too; the key is the header's jwk,
      // checked above, which jose imports and refuses if it is not a public key of the algorithm.
      ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms }));
    } catch (err) {
      throw invalid(describeError(err));
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
    // the holder of a valid token and its key can fill it, and the key is the owner of the entry,
    // so that one holder cannot fill it for everyone (replay-cache.mjs). The entry lives as long as
    // the proof would pass the iat check, in whole milliseconds (iat may have a fraction, and a
    // store such as Redis takes integers only); the key is hashed so that a long jti costs no
    // memory.
    const replayKey = createHash('sha256')
      .update(JSON.stringify([jkt, jti]))
      .digest('base64url');
    let fresh;
    try {
      fresh = await replayCache.claim(replayKey, Math.ceil(iat * 1000) + windowMs, { owner: jkt });
    } catch (err) {
      throw new DpopReplayCheckError(
        `The DPoP replay cache could not record a proof: ${describeError(err)}`,
        { cause: err },
      );
    }
    if (!fresh) throw invalid(`its jti ${printable(jti)} was used before`, MESSAGES.replayed);

    return { jkt, jti, iat, nonce: nextNonce };
  }

  return { verify };
}

/**
 * What is wrong with a proof's protected header before any signature is verified, or undefined:
 * an algorithm outside DPOP_ALGORITHMS, no jwk object, a jwk with private members, a key type
 * that is not the algorithm's, or an RSA key of another shape than e = 65537 with a modulus of
 * 2048 to 4096 bits. Shared with the embedded provider's token endpoint (dev-provider/dpop.mjs), so
 * that it never binds a token to a key this code would refuse proofs by. The answer is for the
 * log, made printable.
 */
export function proofHeaderProblem(header) {
  const { alg, jwk } = header ?? {};
  if (!DPOP_ALGORITHMS.includes(alg)) {
    return `its alg ${printable(alg)} is not one of ${DPOP_ALGORITHMS.join(' ')}`;
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return 'its header has no jwk object';
  }
  // jose would refuse a private key too, but a leaked key deserves its own log line.
  const leaked = PRIVATE_JWK_MEMBERS.filter((member) => Object.hasOwn(jwk, member));
  if (leaked.length > 0) return `its jwk carries private key members (${leaked.join(', ')})`;
  const keyType = KEY_TYPES[alg.slice(0, 2)];
  if (jwk.kty !== keyType) {
    return `its jwk has the key type ${printable(jwk.kty)}, not ${keyType} for ${alg}`;
  }
  return keyType === 'RSA' ? rsaKeyProblem(jwk) : undefined;
}

function rsaKeyProblem({ e, n }) {
  if (e !== RSA_EXPONENT) return `its RSA exponent ${printable(e, 40)} is not 65537 (AQAB)`;
  if (typeof n !== 'string' || !BASE64URL.test(n)) return 'its RSA modulus is not base64url';
  const modulus = Buffer.from(n, 'base64url');
  // RFC 7518 §6.3.1.1: the modulus has no leading zero octets, so its first octet sets its length.
  if (modulus[0] === 0) return 'its RSA modulus has leading zero octets';
  const bits = (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]));
  if (bits < RSA_MODULUS_BITS.min || bits > RSA_MODULUS_BITS.max) {
    return `its RSA modulus has ${bits} bits, not ${RSA_MODULUS_BITS.min} to ${RSA_MODULUS_BITS.max}`;
  }
  return undefined;
}
