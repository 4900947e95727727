import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createDpopNonces } from './dpop-nonces.mjs';
import {
  DPOP_ALGORITHMS,
  DpopProofError,
  DpopReplayCheckError,
  createDpopVerifier,
  normalizeHtu,
} from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';
import { createDpopKey } from './test-support.mjs';

const URL_ = 'https://api.example.test/api/messages';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
const T0 = 1_700_000_000;

const key = await createDpopKey('ES256');

// A verifier whose clock reads `clock.s` seconds.
function verifierAt(clock, options = {}) {
  return createDpopVerifier({
    replayCache: createMemoryReplayCache({ now: () => clock.s * 1000 }),
    now: () => clock.s * 1000,
    ...options,
  });
}

const proofAt = (iat, claims = {}) =>
  key.proof({ url: URL_, accessToken: TOKEN, claims: { iat, ...claims } });

const verifyRequest = (verifier, proof) =>
  verifier.verify({ proofs: [proof], method: 'GET', url: URL_, accessToken: TOKEN, jkt: key.jkt });

describe('createDpopVerifier', () => {
  test('resolves to the key thumbprint, jti and iat of a valid proof', async () => {
    const clock = { s: T0 };
    const result = await verifyRequest(verifierAt(clock), await proofAt(T0, { jti: 'j-1' }));
    assert.deepEqual(result, { jkt: key.jkt, jti: 'j-1', iat: T0, nonce: undefined });
  });

  test('takes iat up to the window away either way, included, and refuses beyond', async () => {
    const clock = { s: T0 };
    const verifier = verifierAt(clock, { iatWindowSeconds: 60 });
    for (const iat of [T0 - 60, T0 + 60, T0 - 59.5]) {
      await verifyRequest(verifier, await proofAt(iat));
    }
    for (const iat of [T0 - 61, T0 + 61, T0 - 60.5]) {
      await assert.rejects(
        verifyRequest(verifier, await proofAt(iat)),
        { name: 'DpopProofError', error: 'invalid_dpop_proof' },
        String(iat),
      );
    }
  });

  test('remembers each proof until iat plus the window, when it would be refused anyway', async () => {
    const claims = [];
    const verifier = createDpopVerifier({
      replayCache: { claim: async (cacheKey, expiresAtMs) => claims.push(expiresAtMs) > 0 },
      iatWindowSeconds: 45,
      now: () => T0 * 1000,
    });
    await verifyRequest(verifier, await proofAt(T0 - 10));
    assert.deepEqual(claims, [(T0 - 10 + 45) * 1000]);
  });

  test('refuses the request, without calling it a bad proof, when the replay cache fails', async () => {
    const verifier = createDpopVerifier({
      replayCache: {
        claim: async () => {
          throw new Error('connection refused');
        },
      },
      now: () => T0 * 1000,
    });
    await assert.rejects(verifyRequest(verifier, await proofAt(T0)), (err) => {
      assert.ok(err instanceof DpopReplayCheckError);
      assert.ok(!(err instanceof DpopProofError));
      assert.match(err.message, /connection refused/);
      return true;
    });
  });

  test('with nonces, asks for one (use_dpop_nonce with the nonce to send) and says when to renew it', async () => {
    const clock = { s: T0 };
    const nonces = createDpopNonces({ now: () => clock.s * 1000 });
    const verifier = verifierAt(clock, { nonces });

    const err = await verifyRequest(verifier, await proofAt(T0)).catch((caught) => caught);
    assert.ok(err instanceof DpopProofError);
    assert.equal(err.error, 'use_dpop_nonce');
    assert.equal(err.nonce, nonces.current());

    const current = await verifyRequest(verifier, await proofAt(T0, { nonce: err.nonce }));
    assert.equal(current.nonce, undefined);
    clock.s += 300;
    const previous = await verifyRequest(verifier, await proofAt(clock.s, { nonce: err.nonce }));
    assert.equal(previous.nonce, nonces.current());
    assert.notEqual(previous.nonce, err.nonce);
  });

  test('answers with fixed messages that quote nothing from the proof', async () => {
    const clock = { s: T0 };
    const verifier = verifierAt(clock);
    for (const claims of [
      { htm: 'POST' },
      { htu: 'https://evil.test/x' },
      { ath: 'evil' },
      { iat: 1 },
    ]) {
      const err = await verifyRequest(verifier, await proofAt(T0, claims)).catch(
        (caught) => caught,
      );
      assert.ok(err instanceof DpopProofError);
      assert.doesNotMatch(err.message, /evil|POST|\d/);
    }
  });

  test('is a programming error without a replay cache, a token, its jkt or an absolute URL', async () => {
    assert.throws(() => createDpopVerifier({}), TypeError);
    assert.throws(
      () => createDpopVerifier({ replayCache: createMemoryReplayCache(), iatWindowSeconds: 0 }),
      TypeError,
    );
    const verifier = createDpopVerifier({ replayCache: createMemoryReplayCache() });
    const proof = await key.proof({ url: URL_, accessToken: TOKEN });
    const base = { proofs: [proof], method: 'GET', url: URL_, accessToken: TOKEN, jkt: key.jkt };
    for (const missing of [{ accessToken: undefined }, { jkt: '' }, { url: '/api/messages' }]) {
      await assert.rejects(
        verifier.verify({ ...base, ...missing }),
        TypeError,
        JSON.stringify(missing),
      );
    }
  });
});

describe('DPOP_ALGORITHMS', () => {
  test('lists asymmetric algorithms only', () => {
    assert.ok(DPOP_ALGORITHMS.includes('RS256'), 'okta-auth-js signs proofs with RS256');
    for (const alg of DPOP_ALGORITHMS) assert.match(alg, /^(RS|PS|ES)(256|384|512)$|^EdDSA$/);
  });
});

describe('normalizeHtu', () => {
  test('drops query and fragment, lower-cases scheme and host and drops the default port', () => {
    assert.equal(
      normalizeHtu('HTTPS://API.Example.test:443/a/b?x=1#y'),
      'https://api.example.test/a/b',
    );
    assert.equal(normalizeHtu('http://localhost:80/a'), 'http://localhost/a');
    assert.equal(normalizeHtu('http://localhost:8000/a'), 'http://localhost:8000/a');
  });

  test('gives nothing for what is not an absolute http(s) URL', () => {
    for (const value of [
      '/a',
      'not a url',
      'ftp://x.test/a',
      'javascript:alert(1)',
      42,
      undefined,
    ]) {
      assert.equal(normalizeHtu(value), undefined, String(value));
    }
  });
});
