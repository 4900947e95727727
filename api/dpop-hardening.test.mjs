// Hardening of the API's DPoP checks (RFC 9449 §4.3, §7.1, §9, §11), from a hostile review. The
// first describe holds the attacks the review found working, each a test that failed until it was
// fixed; the second the attacks that were tried and refused from the start, as documentation of
// what the checks withstand.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { base64url, calculateJwkThumbprint } from 'jose';

import { createDpopNonces } from './dpop-nonces.mjs';
import { createDpopVerifier } from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';
import {
  APP_ORIGIN,
  MESSAGES_URL,
  bearer,
  createDpopKey,
  dpop,
  handSigned,
  proofClaims,
  recordingReplayCache,
  request,
  rsaKeyWithHugeExponent,
  useDpopApi,
} from './test-support.mjs';

// The verifier never parses the access token, only hashes it for ath.
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

const encode = (value) => base64url.encode(JSON.stringify(value));

/** A proof whose signature is junk: what costs an attacker nothing to send. */
const junkSigned = (jwk, signatureBytes, alg = 'RS256') =>
  `${encode({ alg, typ: 'dpop+jwt', jwk })}.${encode(proofClaims(TOKEN))}.${Buffer.alloc(signatureBytes, 1).toString('base64url')}`;

/** Counts the signature verifications WebCrypto performs (jose verifies through it). */
function countVerifications(t) {
  return t.mock.method(globalThis.crypto.subtle, 'verify');
}

const verifierFor = (options = {}) =>
  createDpopVerifier({ replayCache: createMemoryReplayCache(), ...options });

const verifyAt = (verifier, proof, jkt, { method = 'GET', url = MESSAGES_URL } = {}) =>
  verifier.verify({ proofs: [proof], method, url, accessToken: TOKEN, jkt });

const ctx = useDpopApi();
const { boundToken, getMessages } = ctx;

const signedHeaders = async (options) => (await ctx.signedRequest(options)).headers;

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
    await assert.rejects(verifyAt(verifierFor(), junkSigned(attacker.jwk, 256), ctx.key.jkt), {
      name: 'DpopProofError',
      error: 'invalid_dpop_proof',
    });
    assert.equal(verifications.mock.callCount(), 0);
  });

  test('refuses an RSA proof key whose public exponent is not 65537, even the bound key', async () => {
    // WebCrypto (and so okta-auth-js) always makes e = 65537; a huge e turns every verification
    // into a full exponentiation (about 9 ms here, against some 0.05 ms).
    const { jwk, privateKey } = rsaKeyWithHugeExponent();
    const proof = handSigned(
      { alg: 'RS256', typ: 'dpop+jwt', jwk },
      proofClaims(TOKEN),
      privateKey,
    );
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
    const replayCache = createMemoryReplayCache({ maxEntries: 4 });
    await ctx.withApi({ replayCache }, async (small) => {
      const future = Math.floor(Date.now() / 1000) + 60;
      for (let i = 0; i < 5; i += 1) {
        await getMessages(await signedHeaders({ claims: { iat: future } }), { target: small });
      }
      const victim = await createDpopKey('ES256');
      const response = await getMessages(await signedHeaders({ dpopKey: victim }), {
        target: small,
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });
  });

  test('refuses a token whose cnf also names a binding it cannot check (x5t#S256 beside jkt)', async () => {
    // The API's own rule (require-token.mjs, bindingOf): a binding it cannot check refuses the
    // token rather than being ignored, even when a jkt the proof matches stands beside it.
    const token = await ctx.issuer.mintToken({
      claims: {
        cnf: { jkt: ctx.key.jkt, 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
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
    const replayCache = recordingReplayCache();
    const { expiries } = replayCache;
    const verifier = verifierFor({ replayCache });
    const iat = Math.floor(Date.now() / 1000) + 0.0001;
    await verifyAt(
      verifier,
      await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { iat } }),
      ctx.key.jkt,
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
      const header = { alg: 'RS256', typ: 'dpop+jwt', jwk: ctx.key.jwk, ...extra };
      const proof = handSigned(header, proofClaims(TOKEN), ctx.key.privateKey);
      await assert.rejects(verifyAt(verifier, proof, ctx.key.jkt), { name: 'DpopProofError' });
    }
  });

  test('kid, x5c or jku beside the jwk change nothing: only the embedded jwk counts', async () => {
    const verifier = verifierFor();
    const attacker = await createDpopKey('RS256');
    const pointers = { kid: 'victim', x5c: ['MIIB'], jku: 'https://evil.test/jwks' };
    // The bound key's proof passes whatever else the header names...
    const own = await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, header: pointers });
    await verifyAt(verifier, own, ctx.key.jkt);
    // ...and the attacker's does not, whatever it points to.
    const foreign = await attacker.proof({
      url: MESSAGES_URL,
      accessToken: TOKEN,
      header: pointers,
    });
    await assert.rejects(verifyAt(verifier, foreign, ctx.key.jkt), { error: 'invalid_dpop_proof' });
  });

  test('a jwk whose alg, use or key_ops contradict the proof, or with any private member, is refused', async () => {
    const verifier = verifierFor();
    for (const jwk of [
      { ...ctx.key.jwk, alg: 'RS512' },
      { ...ctx.key.jwk, use: 'enc' },
      { ...ctx.key.jwk, key_ops: ['encrypt'] },
      { ...ctx.key.jwk, ext: 'yes' },
      { ...ctx.key.jwk, d: '' },
      { ...ctx.key.jwk, oth: [] },
    ]) {
      const proof = handSigned(
        { alg: 'RS256', typ: 'dpop+jwt', jwk },
        proofClaims(TOKEN),
        ctx.key.privateKey,
      );
      await assert.rejects(verifyAt(verifier, proof, ctx.key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('alg and key type must agree: ES256 with an RSA key, a P-384 key or a relabelled curve', async () => {
    const verifier = verifierFor();
    const p256 = await createDpopKey('ES256');
    const p384 = await createDpopKey('ES384');
    const cases = [
      [{ alg: 'ES256', jwk: ctx.key.jwk }, p256.privateKey, ctx.key.jkt],
      [{ alg: 'ES256', jwk: p384.jwk }, p384.privateKey, p384.jkt],
      [{ alg: 'ES256', jwk: { ...p256.jwk, crv: 'P-384' } }, p256.privateKey, p256.jkt],
    ];
    for (const [header, privateKey, jkt] of cases) {
      const proof = handSigned({ typ: 'dpop+jwt', ...header }, proofClaims(TOKEN), privateKey);
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
      await verifyAt(verifier, await ctx.key.proof({ url: htu, accessToken: TOKEN }), ctx.key.jkt);
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
        verifyAt(verifier, await ctx.key.proof({ url: htu, accessToken: TOKEN }), ctx.key.jkt),
        { error: 'invalid_dpop_proof' },
        htu,
      );
    }
  });

  test('iat: huge, negative, zero and string values are refused', async () => {
    const verifier = verifierFor();
    for (const iat of [1e308, -1, 0, String(Math.floor(Date.now() / 1000))]) {
      const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { iat } });
      await assert.rejects(verifyAt(verifier, proof, ctx.key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('exp in the past or nbf in the future inside a proof are refused', async () => {
    const verifier = verifierFor();
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ exp: now - 1 }, { nbf: now + 120 }]) {
      const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims });
      await assert.rejects(verifyAt(verifier, proof, ctx.key.jkt), { error: 'invalid_dpop_proof' });
    }
  });

  test('a very long jti is remembered by its hash: accepted once, refused the second time', async () => {
    const verifier = verifierFor();
    const jti = 'j'.repeat(6000);
    const first = await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { jti } });
    await verifyAt(verifier, first, ctx.key.jkt);
    const again = await ctx.key.proof({ url: MESSAGES_URL, accessToken: TOKEN, claims: { jti } });
    await assert.rejects(verifyAt(verifier, again, ctx.key.jkt), { error: 'invalid_dpop_proof' });
  });

  test('the same proof sent twice at once passes exactly once', async () => {
    const headers = await signedHeaders();
    const answers = await Promise.all([1, 2, 3, 4].map(() => getMessages(headers)));
    assert.deepEqual(answers.map(({ status }) => status).sort(), [200, 401, 401, 401]);
  });

  test('a proof used for GET cannot be replayed as HEAD, nor a HEAD proof as GET', async () => {
    const token = await boundToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
    assert.equal((await getMessages(dpop(token, proof))).status, 200);
    // A HEAD answer has no body: the status says it.
    assert.equal((await getMessages(dpop(token, proof), { method: 'HEAD' })).status, 401);
    const head = await ctx.key.proof({ method: 'HEAD', url: MESSAGES_URL, accessToken: token });
    assertRefused(await getMessages(dpop(token, head)), 401, 'invalid_dpop_proof');
  });

  test('a nonce issued by another instance (another secret) is challenged, not accepted', async () => {
    const first = await ctx.startApi({ dpopNonces: true });
    const second = await ctx.startApi({ dpopNonces: true });
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
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
    assertRefused(
      await getMessages({ Authorization: `DPoP ${token}`, DPoP: ['', proof] }),
      401,
      'invalid_dpop_proof',
    );
    assertRefused(await getMessages(dpop(token, `${proof},`)), 401, 'invalid_dpop_proof');
  });

  test('Authorization: a tab, two headers, or padding on the token are refused', async () => {
    const token = await boundToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
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
    await ctx.withApi({ dpop: 'allowed' }, async (allowed) => {
      const token = await boundToken();
      const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const response = await getMessages(
          { Authorization: `${scheme} ${token}`, DPoP: proof },
          { target: allowed },
        );
        assertRefused(response, 401, 'invalid_token', scheme);
      }
      assertRefused(await getMessages(bearer(token), { target: allowed }), 401, 'invalid_token');
    });
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
    const preflight = await request(ctx.api.baseUrl, '/api/messages', {
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
      { alg: 'RS256', typ: 'dpop+jwt', jwk: ctx.key.jwk, crit: [marker], [marker]: 1 },
      proofClaims(token, { htu: `https://evil.test/${marker}` }),
      ctx.key.privateKey,
    );
    const response = await getMessages(dpop(token, proof));
    assertRefused(response, 401, 'invalid_dpop_proof');
    assert.doesNotMatch(response.text + response.headers['www-authenticate'], /MARKER|Injected/);
    assert.equal(response.headers['x-injected'], undefined);
    for (const line of ctx.api.logs) assert.doesNotMatch(line, /[^\x20-\x7e]/);
  });
});
