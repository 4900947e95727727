// Hardening of the API's DPoP checks (RFC 9449 §4.3, §7.1, §9, §11), from a hostile review. The
// first describe holds the attacks the review found working, each a test that failed until it was
// fixed; the second the attacks that were tried and refused from the start, as documentation of
// what the checks withstand.
import assert from 'node:assert/strict';
import {
  KeyObject,
  createPrivateKey,
  generatePrimeSync,
  randomBytes,
  randomUUID,
  sign,
} from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { base64url, calculateJwkThumbprint } from 'jose';

import { createDpopNonces } from './dpop-nonces.mjs';
import { accessTokenHash, createDpopVerifier } from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';
import {
  APP_ORIGIN,
  AUDIENCE,
  bearer,
  createDpopKey,
  dpop,
  request,
  startApi,
  startFakeIssuer,
} from './test-support.mjs';

const PUBLIC_URL = 'https://api.example.test';
const MESSAGES_URL = `${PUBLIC_URL}/api/messages`;
// The verifier never parses the access token, only hashes it for ath.
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

const encode = (value) => base64url.encode(JSON.stringify(value));
const HASHES = { RS256: 'sha256', RS384: 'sha384', ES256: 'sha256', ES384: 'sha384' };

/** A proof signed by hand, so that any header (crit, b64, a foreign alg) can be sent. */
function handSigned(header, payload, privateKey) {
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  const input = `${encode(header)}.${encode(payload)}`;
  const options = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return `${input}.${sign(HASHES[header.alg], Buffer.from(input), options).toString('base64url')}`;
}

const claimsFor = (accessToken = TOKEN, extra = {}) => ({
  htm: 'GET',
  htu: MESSAGES_URL,
  iat: Math.floor(Date.now() / 1000),
  jti: randomUUID(),
  ath: accessTokenHash(accessToken),
  ...extra,
});

/** A proof whose signature is junk: what costs an attacker nothing to send. */
const junkSigned = (jwk, signatureBytes, alg = 'RS256') =>
  `${encode({ alg, typ: 'dpop+jwt', jwk })}.${encode(claimsFor())}.${Buffer.alloc(signatureBytes, 1).toString('base64url')}`;

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
function rsaKeyWithHugeExponent() {
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

/** Counts the signature verifications WebCrypto performs (jose verifies through it). */
function countVerifications(t) {
  return t.mock.method(globalThis.crypto.subtle, 'verify');
}

const verifierFor = (options = {}) =>
  createDpopVerifier({ replayCache: createMemoryReplayCache(), ...options });

const verifyAt = (verifier, proof, jkt, { method = 'GET', url = MESSAGES_URL } = {}) =>
  verifier.verify({ proofs: [proof], method, url, accessToken: TOKEN, jkt });

let issuer;
let api;
let key;

before(async () => {
  issuer = await startFakeIssuer();
  api = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, publicUrl: PUBLIC_URL });
  key = await createDpopKey('RS256');
});

after(async () => {
  await api?.close();
  await issuer?.close();
});

const boundToken = (dpopKey = key, claims = {}) =>
  issuer.mintToken({ claims: { cnf: { jkt: dpopKey.jkt }, ...claims } });

const getMessages = (headers, { target = api, method = 'GET' } = {}) =>
  request(target.baseUrl, '/api/messages', { method, headers });

async function signedHeaders({ dpopKey = key, token, ...proofOptions } = {}) {
  const accessToken = token ?? (await boundToken(dpopKey));
  const proof = await dpopKey.proof({ url: MESSAGES_URL, accessToken, ...proofOptions });
  return dpop(accessToken, proof);
}

function assertRefused(response, status, error, label) {
  assert.equal(response.status, status, label);
  assert.equal(response.body.error, error, label);
}

describe('The API refuses bad proof keys before verifying, limits each key’s replay share and matches cnf and nonces exactly', () => {
  test('checks the proof key against the token’s cnf.jkt before verifying any signature', async (t) => {
    // A thief with a bound token (or any signed-in user with their own) sends proofs by a key of
    // their choosing with junk signatures: the thumbprint comparison is free, the verification
    // is not, and it must not run for a key the token is not bound to.
    const attacker = await createDpopKey('RS256');
    const verifications = countVerifications(t);
    await assert.rejects(verifyAt(verifierFor(), junkSigned(attacker.jwk, 256), key.jkt), {
      name: 'DpopProofError',
      error: 'invalid_dpop_proof',
    });
    assert.equal(verifications.mock.callCount(), 0);
  });

  test('refuses an RSA proof key whose public exponent is not 65537, even the bound key', async () => {
    // WebCrypto (and so okta-auth-js) always makes e = 65537; a huge e turns every verification
    // into a full exponentiation (about 9 ms here, against some 0.05 ms).
    const { jwk, privateKey } = rsaKeyWithHugeExponent();
    const proof = handSigned({ alg: 'RS256', typ: 'dpop+jwt', jwk }, claimsFor(), privateKey);
    await assert.rejects(verifyAt(verifierFor(), proof, await calculateJwkThumbprint(jwk)), {
      name: 'DpopProofError',
      error: 'invalid_dpop_proof',
    });
  });

  test('refuses an RSA proof key longer than 4096 bits without verifying its signature', async (t) => {
    // Any 8192-bit odd number will do as a modulus: the attacker needs no private key, since the
    // cost is in verifying the signature, which must not happen before the key's size refuses it.
    const modulus = randomBytes(1024);
    modulus[0] |= 0x80;
    modulus[1023] |= 1;
    const jwk = { kty: 'RSA', e: 'AQAB', n: modulus.toString('base64url') };
    const verifications = countVerifications(t);
    await assert.rejects(
      verifyAt(verifierFor(), junkSigned(jwk, 1024), await calculateJwkThumbprint(jwk)),
      { name: 'DpopProofError', error: 'invalid_dpop_proof' },
    );
    assert.equal(verifications.mock.callCount(), 0);
  });

  test('one key filling the replay cache does not lock out the proofs of another user', async () => {
    // Any signed-in user holds a token and its key; the cache is shared by everyone, so one user
    // sending proofs fast enough (50,000 in a window, 120 s with iat at the future edge) gets
    // every other user a 503.
    const small = await startApi({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      publicUrl: PUBLIC_URL,
      replayCache: createMemoryReplayCache({ maxEntries: 4 }),
    });
    try {
      const future = Math.floor(Date.now() / 1000) + 60;
      for (let i = 0; i < 5; i += 1) {
        await getMessages(await signedHeaders({ claims: { iat: future } }), { target: small });
      }
      const victim = await createDpopKey('ES256');
      const response = await getMessages(await signedHeaders({ dpopKey: victim }), {
        target: small,
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    } finally {
      await small.close();
    }
  });

  test('refuses a token whose cnf also names a binding it cannot check (x5t#S256 beside jkt)', async () => {
    // The API's own rule (require-token.mjs, bindingOf): a binding it cannot check refuses the
    // token rather than being ignored, even when a jkt the proof matches stands beside it.
    const token = await issuer.mintToken({
      claims: {
        cnf: { jkt: key.jkt, 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      },
    });
    assertRefused(await getMessages(await signedHeaders({ token })), 401, 'invalid_token');
  });

  test('accepts only the exact nonce string it issued, not another spelling of its bytes', () => {
    // 43 base64url characters carry 258 bits for a 256-bit HMAC; the decoder drops the last two,
    // so four strings pass for each nonce.
    const nonces = createDpopNonces();
    const nonce = nonces.current();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(nonce.at(-1));
    const spellings = [0, 1, 2, 3]
      .map((low) => `${nonce.slice(0, -1)}${alphabet[(last & ~3) | low]}`)
      .filter((spelling) => spelling !== nonce);
    assert.equal(spellings.length, 3);
    for (const spelling of spellings) assert.equal(nonces.check(spelling), 'invalid', spelling);
  });

  test('hands the replay cache a whole number of milliseconds when iat has a fraction', async () => {
    // The README's Redis drop-in passes expiresAtMs to PXAT, which takes integers only: a proof
    // whose iat has a fraction of a millisecond (a valid NumericDate) must not make the claim fail
    // (a 503).
    const expiries = [];
    const shared = createMemoryReplayCache();
    const verifier = verifierFor({
      replayCache: {
        claim(cacheKey, expiresAtMs) {
          expiries.push(expiresAtMs);
          return shared.claim(cacheKey, expiresAtMs);
        },
      },
    });
    const iat = Math.floor(Date.now() / 1000) + 0.0001;
    await verifyAt(
      verifier,
      await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { iat } }),
      key.jkt,
    );
    assert.equal(expiries.length, 1);
    assert.ok(Number.isInteger(expiries[0]), String(expiries[0]));
    assert.ok(expiries[0] >= iat * 1000 + 60_000, 'still remembered while the proof passes');
  });
});

describe('The API’s DPoP checks withstand header, claim and transport tricks', () => {
  test('crit with an unknown extension, or b64 false, is refused', async () => {
    const verifier = verifierFor();
    for (const extra of [
      { crit: ['x-extension'], 'x-extension': true },
      { crit: ['b64'], b64: false },
      { crit: [] },
    ]) {
      const header = { alg: 'RS256', typ: 'dpop+jwt', jwk: key.jwk, ...extra };
      const proof = handSigned(header, claimsFor(), key.privateKey);
      await assert.rejects(verifyAt(verifier, proof, key.jkt), { name: 'DpopProofError' });
    }
  });

  test('kid, x5c or jku beside the jwk change nothing: only the embedded jwk counts', async () => {
    const verifier = verifierFor();
    const attacker = await createDpopKey('RS256');
    const pointers = { kid: 'victim', x5c: ['MIIB'], jku: 'https://evil.test/jwks' };
    // The bound key's proof passes whatever else the header names...
    const own = await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, header: pointers });
    await verifyAt(verifier, own, key.jkt);
    // ...and the attacker's does not, whatever it points to.
    const foreign = await attacker.proof({
      url: MESSAGES_URL,
      accessToken: TOKEN,
      header: pointers,
    });
    await assert.rejects(verifyAt(verifier, foreign, key.jkt), { error: 'invalid_dpop_proof' });
  });

  test('a jwk whose alg, use or key_ops contradict the proof, or with any private member, is refused', async () => {
    const verifier = verifierFor();
    for (const jwk of [
      { ...key.jwk, alg: 'RS512' },
      { ...key.jwk, use: 'enc' },
      { ...key.jwk, key_ops: ['encrypt'] },
      { ...key.jwk, ext: 'yes' },
      { ...key.jwk, d: '' },
      { ...key.jwk, oth: [] },
    ]) {
      const proof = handSigned({ alg: 'RS256', typ: 'dpop+jwt', jwk }, claimsFor(), key.privateKey);
      await assert.rejects(verifyAt(verifier, proof, key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('alg and key type must agree: ES256 with an RSA key, a P-384 key or a relabelled curve', async () => {
    const verifier = verifierFor();
    const p256 = await createDpopKey('ES256');
    const p384 = await createDpopKey('ES384');
    const cases = [
      [{ alg: 'ES256', jwk: key.jwk }, p256.privateKey, key.jkt],
      [{ alg: 'ES256', jwk: p384.jwk }, p384.privateKey, p384.jkt],
      [{ alg: 'ES256', jwk: { ...p256.jwk, crv: 'P-384' } }, p256.privateKey, p256.jkt],
    ];
    for (const [header, privateKey, jkt] of cases) {
      const proof = handSigned({ typ: 'dpop+jwt', ...header }, claimsFor(), privateKey);
      await assert.rejects(verifyAt(verifier, proof, jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('htu: equivalent spellings pass, another resource or userinfo in the URL does not', async () => {
    const verifier = verifierFor();
    for (const htu of [
      'https://api.example.test/x/../api/./messages',
      'https://api.example.test:443/api/messages',
      'https://api.example.test/api/messages?',
      'https://api.example.test/api/messages#',
    ]) {
      await verifyAt(verifier, await key.proof({ url: htu, accessToken: TOKEN }), key.jkt);
    }
    for (const htu of [
      'https://user:pass@api.example.test/api/messages',
      'https://api.example.test./api/messages',
      'https://api.example.test/api/%6Dessages',
      'https://api.example.test/api/messages%3F',
      'https://api.example.test/api/messages/.',
      'https://api.example.test/api',
      'wss://api.example.test/api/messages',
      'http://[::1]/api/messages',
    ]) {
      await assert.rejects(
        verifyAt(verifier, await key.proof({ url: htu, accessToken: TOKEN }), key.jkt),
        { error: 'invalid_dpop_proof' },
        htu,
      );
    }
  });

  test('iat: huge, negative, zero and string values are refused', async () => {
    const verifier = verifierFor();
    for (const iat of [1e308, -1, 0, String(Math.floor(Date.now() / 1000))]) {
      const proof = await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { iat } });
      await assert.rejects(verifyAt(verifier, proof, key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('exp in the past or nbf in the future inside a proof are refused', async () => {
    const verifier = verifierFor();
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ exp: now - 1 }, { nbf: now + 120 }]) {
      const proof = await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims });
      await assert.rejects(verifyAt(verifier, proof, key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('a very long jti is remembered by its hash: accepted once, refused the second time', async () => {
    const verifier = verifierFor();
    const jti = 'j'.repeat(6000);
    const first = await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { jti } });
    await verifyAt(verifier, first, key.jkt);
    const again = await key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { jti } });
    await assert.rejects(verifyAt(verifier, again, key.jkt), { error: 'invalid_dpop_proof' });
  });

  test('the same proof sent twice at once passes exactly once', async () => {
    const headers = await signedHeaders();
    const answers = await Promise.all([1, 2, 3, 4].map(() => getMessages(headers)));
    assert.deepEqual(answers.map(({ status }) => status).sort(), [200, 401, 401, 401]);
  });

  test('a proof used for GET cannot be replayed as HEAD, nor a HEAD proof as GET', async () => {
    const token = await boundToken();
    const proof = await key.proof({ url: MESSAGES_URL, accessToken: token });
    assert.equal((await getMessages(dpop(token, proof))).status, 200);
    // A HEAD answer has no body: the status says it.
    assert.equal((await getMessages(dpop(token, proof), { method: 'HEAD' })).status, 401);
    const head = await key.proof({ method: 'HEAD', url: MESSAGES_URL, accessToken: token });
    assertRefused(await getMessages(dpop(token, head)), 401, 'invalid_dpop_proof');
  });

  test('a nonce issued by another instance (another secret) is challenged, not accepted', async () => {
    const options = {
      issuer: issuer.issuer,
      audience: AUDIENCE,
      publicUrl: PUBLIC_URL,
      dpopNonces: true,
    };
    const first = await startApi(options);
    const second = await startApi(options);
    try {
      const token = await boundToken();
      const challenge = await getMessages(await signedHeaders({ token }), { target: first });
      const nonce = challenge.headers['dpop-nonce'];
      const elsewhere = await getMessages(await signedHeaders({ token, claims: { nonce } }), {
        target: second,
      });
      assertRefused(elsewhere, 401, 'use_dpop_nonce');
      assert.notEqual(elsewhere.headers['dpop-nonce'], nonce);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('an empty DPoP header beside a valid one, or a proof with a comma, is refused', async () => {
    const token = await boundToken();
    const proof = await key.proof({ url: MESSAGES_URL, accessToken: token });
    assertRefused(
      await getMessages({ Authorization: `DPoP ${token}`, DPoP: ['', proof] }),
      401,
      'invalid_dpop_proof',
    );
    assertRefused(await getMessages(dpop(token, `${proof},`)), 401, 'invalid_dpop_proof');
  });

  test('Authorization: a tab, two headers, or padding on the token are refused', async () => {
    const token = await boundToken();
    const proof = await key.proof({ url: MESSAGES_URL, accessToken: token });
    assertRefused(
      await getMessages({ Authorization: `DPoP\t${token}`, DPoP: proof }),
      400,
      'invalid_request',
    );
    assertRefused(
      await getMessages({ Authorization: [`DPoP ${token}`, `Bearer ${token}`], DPoP: proof }),
      400,
      'invalid_request',
    );
    assertRefused(
      await getMessages({ Authorization: `DPoP ${token}==`, DPoP: proof }),
      401,
      'invalid_token',
    );
    // The proof was never consumed by those: it still passes.
    assert.equal((await getMessages(dpop(token, proof))).status, 200);
  });

  test('a bound token is refused as Bearer with API_DPOP=allowed, even beside a valid proof', async () => {
    const allowed = await startApi({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      publicUrl: PUBLIC_URL,
      dpop: 'allowed',
    });
    try {
      const token = await boundToken();
      const proof = await key.proof({ url: MESSAGES_URL, accessToken: token });
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const response = await getMessages(
          { Authorization: `${scheme} ${token}`, DPoP: proof },
          { target: allowed },
        );
        assertRefused(response, 401, 'invalid_token', scheme);
      }
      assertRefused(await getMessages(bearer(token), { target: allowed }), 401, 'invalid_token');
    } finally {
      await allowed.close();
    }
  });

  test('another origin reads neither the challenge nor the nonce, and its preflight is refused', async () => {
    const token = await boundToken();
    const response = await getMessages({
      Authorization: `DPoP ${token}`,
      Origin: 'http://localhost:4200.evil.test',
    });
    assert.equal(response.status, 401);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
    assert.equal(response.headers['access-control-expose-headers'], undefined);
    const preflight = await request(api.baseUrl, '/api/messages', {
      method: 'OPTIONS',
      headers: {
        Origin: 'null',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,dpop',
      },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    const allowed = await getMessages({ Authorization: `DPoP ${token}`, Origin: APP_ORIGIN });
    assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
  });

  test('nothing from a refused proof reaches the answer, and its log line stays printable', async () => {
    const token = await boundToken();
    const marker = 'MARKER\r\nX-Injected: 1\u2028';
    const proof = handSigned(
      { alg: 'RS256', typ: 'dpop+jwt', jwk: key.jwk, crit: [marker], [marker]: 1 },
      claimsFor(token, { htu: `https://evil.test/${marker}` }),
      key.privateKey,
    );
    const response = await getMessages(dpop(token, proof));
    assertRefused(response, 401, 'invalid_dpop_proof');
    assert.doesNotMatch(response.text + response.headers['www-authenticate'], /MARKER|Injected/);
    assert.equal(response.headers['x-injected'], undefined);
    for (const line of api.logs) assert.doesNotMatch(line, /[^\x20-\x7e]/);
  });
});
