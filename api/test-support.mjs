// Shared by the *.test.mjs files: a fake Okta authorization server that only serves a JWKS, a token
// minter with Okta-shaped claims, DPoP client keys that sign proofs, proofs and keys made by hand
// for attacks (the embedded provider's tests use them too), the API set up for the DPoP tests, and
// a small HTTP client with full control over headers.

import {
  KeyObject,
  createHmac,
  createPrivateKey,
  generatePrimeSync,
  randomBytes,
  randomUUID,
  sign,
} from 'node:crypto';
import http from 'node:http';
import { after, before } from 'node:test';

import {
  SignJWT,
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
} from 'jose';

import { createApiServer } from './create-api.mjs';
import { accessTokenHash } from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';

export const APP_ORIGIN = 'http://localhost:4200';
export const AUDIENCE = 'api://default';
/** The app's client id: the `cid` of the minted tokens, and the API's allow-list in `startApi`. */
export const CLIENT_ID = '0oa-test-client';

/** A JOSE header or payload as its base64url segment. */
const encode = (value) => base64url.encode(JSON.stringify(value));

export async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address().port;
}

export async function close(server) {
  if (!server.listening) return;
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}

export async function createSigningKey(kid) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, publicKey, privateKey };
}

// Serves ${issuer}/v1/keys like an Okta custom authorization server, and counts the fetches so
// tests can observe the verifier's key cache.
export async function startFakeIssuer() {
  const keys = [await createSigningKey('test-key-1')];
  const issuerState = { keyRequests: 0 };

  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== '/oauth2/default/v1/keys') {
      res.writeHead(404).end();
      return;
    }
    issuerState.keyRequests += 1;
    const jwks = await Promise.all(
      keys.map(async ({ kid, publicKey }) => ({
        ...(await exportJWK(publicKey)),
        kid,
        alg: 'RS256',
        use: 'sig',
      })),
    );
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: jwks }));
  });
  const port = await listen(server);
  const issuer = `http://localhost:${port}/oauth2/default`;

  function claims(overrides = {}) {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer,
      aud: AUDIENCE,
      sub: 'ada@example.com',
      cid: CLIENT_ID,
      uid: '00u-test-user',
      scp: ['openid', 'profile', 'email'],
      iat: now,
      exp: now + 3600,
      jti: `AT.${randomUUID()}`,
      ...overrides,
    };
  }

  return Object.assign(issuerState, {
    issuer,
    signingKey: keys[0],
    claims,
    // Simulates key rotation: the new key is published alongside the old one.
    async addKey(kid) {
      const key = await createSigningKey(kid);
      keys.push(key);
      return key;
    },
    // Signs with the published key unless told otherwise. A claim set to undefined is left out.
    mintToken({ claims: overrides = {}, key = keys[0], kid = key.kid, omitKid = false } = {}) {
      const payload = JSON.parse(JSON.stringify(claims(overrides)));
      const header = omitKid ? { alg: 'RS256' } : { alg: 'RS256', kid };
      return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
    },
    close: () => close(server),
  });
}

// HS256 keyed with the issuer's public key: the classic algorithm-confusion forgery, which works
// against verifiers that let the token's header pick the algorithm.
export async function mintHs256WithPublicKey(fakeIssuer) {
  const pem = await exportSPKI(fakeIssuer.signingKey.publicKey);
  return new SignJWT(fakeIssuer.claims())
    .setProtectedHeader({ alg: 'HS256', kid: fakeIssuer.signingKey.kid })
    .sign(new TextEncoder().encode(pem));
}

// An unsecured JWT (RFC 7519 §6); jose will not produce one with a kid, so it is built by hand.
export function mintAlgNone(fakeIssuer, signature = '') {
  const header = { alg: 'none', kid: fakeIssuer.signingKey.kid };
  return `${encode(header)}.${encode(fakeIssuer.claims())}.${signature}`;
}

export async function startApi(options) {
  const logs = [];
  const server = createApiServer({
    clientIds: [CLIENT_ID],
    log: (line) => logs.push(line),
    ...options,
  });
  const port = await listen(server);
  return { baseUrl: `http://127.0.0.1:${port}`, logs, close: () => close(server) };
}

const REQUEST_TIMEOUT_MS = 5000;

// node:http rather than fetch, so tests can send any Origin or Authorization value and no pooled
// keep-alive socket outlives the test. The timeout turns a wedged API into a failure, not a hang.
export function request(baseUrl, path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseUrl), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = res.headers['content-type']?.startsWith('application/json');
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text,
          body: isJson && text ? JSON.parse(text) : undefined,
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy(new Error(`${method} ${path} got no response in ${REQUEST_TIMEOUT_MS} ms`));
    });
    req.on('error', reject);
    req.end();
  });
}

export const bearer = (token) => ({ Authorization: `Bearer ${token}` });

// A DPoP client key, like the app's (okta-auth-js makes an RS256 key; ES256 is the other common
// choice). `proof()` signs a proof as okta-auth-js does; every part can be overridden: a claim or
// header member set to undefined is left out.
export async function createDpopKey(alg = 'RS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    alg,
    jwk,
    jkt,
    privateKey,
    proof({ method = 'GET', url, accessToken, claims = {}, header = {}, key = privateKey } = {}) {
      const payload = JSON.parse(
        JSON.stringify({
          htm: method,
          htu: url,
          iat: Math.floor(Date.now() / 1000),
          jti: randomBytes(16).toString('hex'),
          ...(accessToken !== undefined && { ath: accessTokenHash(accessToken) }),
          ...claims,
        }),
      );
      const protectedHeader = JSON.parse(JSON.stringify({ alg, typ: 'dpop+jwt', jwk, ...header }));
      return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
    },
  };
}

// A proof signed with no key at all, or with an HMAC key, neither of which jose's SignJWT makes
// with a jwk header: built by hand.
export function unsignedProof(header, payload, signature = '') {
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

export function hmacProof(header, payload, secret) {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const HASHES = { RS256: 'sha256', RS384: 'sha384', ES256: 'sha256', ES384: 'sha384' };

/** A proof signed by hand, so that any header (crit, b64, a foreign alg, a costly key) can be sent. */
export function handSigned(header, payload, privateKey) {
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  const input = `${encode(header)}.${encode(payload)}`;
  const options = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return `${input}.${sign(HASHES[header.alg], Buffer.from(input), options).toString('base64url')}`;
}

const bigEndian = (value) => {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};
const gcd = (a, b) => (b === 0n ? a : gcd(b, a % b));
function inverse(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/**
 * A real 3072-bit RSA key pair whose public exponent is about as long as its modulus. Signing
 * costs what it always does (CRT); every verification is a full 3072-bit exponentiation, about
 * as costly as a private-key operation without CRT and hundreds of times one with e = 65537.
 */
export function rsaKeyWithHugeExponent() {
  for (;;) {
    const p = generatePrimeSync(1536, { bigint: true });
    const q = generatePrimeSync(1536, { bigint: true });
    if ((p * q).toString(2).length !== 3072) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    let e = BigInt(`0x${randomBytes(383).toString('hex')}`) | (1n << 3063n) | 1n;
    while (gcd(e, lambda) !== 1n) e += 2n;
    const d = inverse(e, lambda);
    const jwk = { kty: 'RSA', e: bigEndian(e), n: bigEndian(p * q) };
    const privateKey = createPrivateKey({
      format: 'jwk',
      key: {
        ...jwk,
        d: bigEndian(d),
        p: bigEndian(p),
        q: bigEndian(q),
        dp: bigEndian(d % (p - 1n)),
        dq: bigEndian(d % (q - 1n)),
        qi: bigEndian(inverse(q, p)),
      },
    });
    return { jwk, privateKey };
  }
}

export const dpop = (token, proof) => ({ Authorization: `DPoP ${token}`, DPoP: proof });

// The API of the DPoP tests sits behind a proxy at this URL, as the app calls it; the tests
// connect to 127.0.0.1.
export const PUBLIC_URL = 'https://api.example.test';
export const MESSAGES_URL = `${PUBLIC_URL}/api/messages`;

/** The claims of a valid proof for GET MESSAGES_URL with `accessToken`, `extra` on top. */
export const proofClaims = (accessToken, extra = {}) => ({
  htm: 'GET',
  htu: MESSAGES_URL,
  iat: Math.floor(Date.now() / 1000),
  jti: randomUUID(),
  ath: accessTokenHash(accessToken),
  ...extra,
});

/** A memory replay cache that notes the expiry of each claim in `expiries`, as a shared store. */
export function recordingReplayCache() {
  const store = createMemoryReplayCache();
  const expiries = [];
  return {
    expiries,
    claim(key, expiresAtMs, options) {
      expiries.push(expiresAtMs);
      return store.claim(key, expiresAtMs, options);
    },
  };
}

/**
 * For the DPoP tests of one file: a fake issuer, the API at PUBLIC_URL and an RS256 client key
 * (`issuer`, `api`, `key`), started before the file's tests and closed after them, and the
 * requests the tests make with them.
 */
export function useDpopApi() {
  const ctx = {
    /** Another instance for the same issuer and public URL, with `options` on top. */
    startApi: (options = {}) =>
      startApi({
        issuer: ctx.issuer.issuer,
        audience: AUDIENCE,
        publicUrl: PUBLIC_URL,
        ...options,
      }),
    /** Calls `use` with another instance (as `startApi`), and closes it afterwards. */
    async withApi(options, use) {
      const other = await ctx.startApi(options);
      try {
        return await use(other);
      } finally {
        await other.close();
      }
    },
    /** An access token bound to `dpopKey` (cnf.jkt), as the embedded provider issues with DPoP. */
    boundToken: (dpopKey = ctx.key, claims = {}) =>
      ctx.issuer.mintToken({ claims: { cnf: { jkt: dpopKey.jkt }, ...claims } }),
    getMessages: (headers, { target = ctx.api, path = '/api/messages', method = 'GET' } = {}) =>
      request(target.baseUrl, path, { method, headers }),
    /** A bound token and a valid proof for GET /api/messages, with `proof` options on top. */
    async signedRequest({ dpopKey = ctx.key, token, ...proofOptions } = {}) {
      const accessToken = token ?? (await ctx.boundToken(dpopKey));
      const proof = await dpopKey.proof({ url: MESSAGES_URL, accessToken, ...proofOptions });
      return { token: accessToken, proof, headers: dpop(accessToken, proof) };
    },
  };
  before(async () => {
    ctx.issuer = await startFakeIssuer();
    ctx.api = await ctx.startApi();
    ctx.key = await createDpopKey('RS256');
  });
  after(async () => {
    await ctx.api?.close();
    await ctx.issuer?.close();
  });
  return ctx;
}
