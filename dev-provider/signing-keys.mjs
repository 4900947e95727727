// The provider's RS256 signing keys, newest first. There is one, generated at start, unless the
// fault switch's rotate-keys adds more: the newest then signs, and every key stays published and
// accepted, as in a real key rotation, so tokens issued before a rotation keep verifying, until the
// fault switch's restore-keys goes back to the first key alone.
import { createPrivateKey, createPublicKey } from 'node:crypto';

import { generateSigningKey } from './keys.mjs';

/** @typedef {{ kid: string, privateJwk: object, publicJwk: object, privateKey: import('node:crypto').KeyObject, publicKey: import('node:crypto').KeyObject }} SigningKey */

export async function createSigningKeys() {
  /** @type {SigningKey[]} */
  const keys = [await createSigningKey()];
  return {
    /** The key that signs new tokens. */
    get current() {
      return keys[0];
    },
    /** Every key, newest first. */
    list() {
      return [...keys];
    },
    find(kid) {
      return keys.find((key) => key.kid === kid);
    },
    /** Generates a key with a new kid and makes it the current one; resolves to it. */
    async rotate() {
      const key = await createSigningKey();
      keys.unshift(key);
      return key;
    },
    /**
     * Drops every rotated key: the key generated at start signs and is published alone again, so
     * that a test that rotated leaves the provider as the next test expects it. Returns that key.
     */
    restore() {
      keys.splice(0, keys.length - 1);
      return keys[0];
    },
  };
}

/** A fresh RS256 key with its JWKs and Node key objects. @returns {Promise<SigningKey>} */
export async function createSigningKey() {
  const { privateJwk, publicJwk } = await generateSigningKey();
  return {
    kid: publicJwk.kid,
    privateJwk,
    publicJwk,
    privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    publicKey: createPublicKey({ key: publicJwk, format: 'jwk' }),
  };
}
