// Forges the ID token of a token response for the `idToken` and `idTokenSignature` faults: claim
// changes are signed properly with the current key (so only the claims are wrong), and each
// signature fault is one of the classic JWT validation bugs a client must not have.
import { CompactSign, decodeJwt, decodeProtectedHeader } from 'jose';

import { createSigningKey } from '../signing-keys.mjs';
import { applyClaimChanges } from './fault-set.mjs';

/** Returns an async function that turns a genuine ID token into the faulty one `faults` ask for. */
export function createIdTokenForger(signingKeys) {
  // Made on first use and never published: its kid is unknown to every client.
  let unpublishedKey;

  return async function forgeIdToken(idToken, { idToken: changes, idTokenSignature }) {
    const header = decodeProtectedHeader(idToken);
    const payload = JSON.stringify(applyClaimChanges(decodeJwt(idToken), changes));
    const current = signingKeys.current;

    switch (idTokenSignature) {
      case 'alg-none':
        // Exactly this header and an empty signature (RFC 7519 §6.1's unsecured JWT).
        return `${base64url(JSON.stringify({ alg: 'none' }))}.${base64url(payload)}.`;
      case 'hs256-public-key':
        // Algorithm confusion: a verifier that takes the alg from the token and feeds the RSA
        // public key to HMAC would accept this. The secret is the SPKI PEM text as Node exports it
        // (with its trailing newline), the form such attacks use.
        return sign(payload, { ...header, alg: 'HS256', kid: current.kid }, publicKeyPem(current));
      case 'unknown-kid': {
        unpublishedKey ??= createSigningKey();
        const key = await unpublishedKey;
        return sign(payload, { ...header, alg: 'RS256', kid: key.kid }, key.privateKey);
      }
      case 'corrupt':
        return corruptSignature(await signWith(current, header, payload));
      default:
        return signWith(current, header, payload);
    }
  };
}

/** The HMAC secret of the 'hs256-public-key' fault, for a signing key (see signing-keys.mjs). */
export function publicKeyPem(key) {
  return Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' }));
}

function signWith(key, header, payload) {
  return sign(payload, { ...header, alg: 'RS256', kid: key.kid }, key.privateKey);
}

function sign(payload, header, key) {
  return new CompactSign(Buffer.from(payload)).setProtectedHeader(header).sign(key);
}

/** Flips bits in a valid signature, keeping its length: only the verification can fail. */
function corruptSignature(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  for (const index of [0, bytes.length >> 1, bytes.length - 1]) bytes[index] ^= 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

function base64url(text) {
  return Buffer.from(text).toString('base64url');
}
