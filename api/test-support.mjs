// Shared by the *.test.mjs files: a fake Okta authorization server that only serves a JWKS, a token
// minter with Okta-shaped claims, DPoP client keys that sign proofs, and a small HTTP client with
// full control over headers.

import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

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

export const APP_ORIGIN = 'http://localhost:4200';
export const AUDIENCE = 'api://default';
/** The app's client id: the `cid` of the minted tokens, and the API's allow-list in `startApi`. */
export const CLIENT_ID = '0oa-test-client';

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
  const encode = (value) => base64url.encode(JSON.stringify(value));
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
  const encode = (value) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

export function hmacProof(header, payload, secret) {
  const encode = (value) => base64url.encode(JSON.stringify(value));
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const dpop = (token, proof) => ({ Authorization: `DPoP ${token}`, DPoP: proof });
