// Key material, generated at every start and kept in memory only: nothing secret is committed, and
// a restart invalidates old tokens and cookies, just as rotating keys would.
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/** An RS256 key pair as JWKs; the `kid` is the key's RFC 7638 thumbprint. */
export async function generateSigningKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    extractable: true,
    modulusLength: 2048,
  });
  const publicJwk = await exportJWK(publicKey);
  const metadata = { kid: await calculateJwkThumbprint(publicJwk), alg: 'RS256', use: 'sig' };
  return {
    privateJwk: { ...(await exportJWK(privateKey)), ...metadata },
    publicJwk: { ...publicJwk, ...metadata },
  };
}

/** Keys for oidc-provider's signed cookies (Koa `app.keys`, used by the `cookies` package). */
export function generateCookieKeys() {
  return [randomBytes(32).toString('base64url')];
}

/** The secret oidc-provider derives its DPoP-Nonce values from (features.dPoP.nonceSecret). */
export function generateDpopNonceSecret() {
  return randomBytes(32);
}
