import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { base64url, calculateJwkThumbprint, exportJWK } from 'jose';

import { accessTokenHash } from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';
import {
  APP_ORIGIN,
  MESSAGES_URL,
  PUBLIC_URL,
  bearer,
  createDpopKey,
  dpop,
  handSigned,
  hmacProof,
  proofClaims,
  recordingReplayCache,
  request,
  unsignedProof,
  useDpopApi,
} from './test-support.mjs';

const ALGS = 'RS256 RS384 RS512 ES256 ES384 ES512';
const QUOTED = '[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]+';

const ctx = useDpopApi();
const { boundToken, getMessages, signedRequest } = ctx;

const dpopChallenge = (error, extra = '') =>
  new RegExp(`^DPoP algs="${ALGS}", error="${error}", error_description="${QUOTED}"${extra}$`);

function assertRefused(response, error, label, { status = 401, challenge } = {}) {
  assert.equal(response.status, status, label);
  assert.equal(response.body.error, error, label);
  assert.equal(typeof response.body.message, 'string', label);
  assert.match(response.headers['www-authenticate'], challenge ?? dpopChallenge(error), label);
}

const assertBadProof = (response, label) => assertRefused(response, 'invalid_dpop_proof', label);

describe('GET /api/messages with a DPoP-bound token and a valid proof', () => {
  test('answers 200 to an RS256 proof shaped like okta-auth-js makes it', async () => {
    const token = await boundToken(ctx.key, { sub: 'grace@example.com' });
    // okta-auth-js: jwk {kty, e, n} only, a hex jti, htu without query or fragment.
    const proof = await ctx.key.proof({
      url: MESSAGES_URL,
      accessToken: token,
      header: { jwk: { kty: ctx.key.jwk.kty, e: ctx.key.jwk.e, n: ctx.key.jwk.n } },
    });
    const response = await getMessages(dpop(token, proof));

    assert.equal(response.status, 200);
    assert.ok(response.body.messages.some(({ text }) => text.includes('grace@example.com')));
    assert.equal(response.headers['dpop-nonce'], undefined);
  });

  test('answers 200 to an ES256 proof, and to the scheme in any letter case', async () => {
    const ecKey = await createDpopKey('ES256');
    for (const scheme of ['DPoP', 'dpop', 'DPOP']) {
      const { token, proof } = await signedRequest({ dpopKey: ecKey });
      const response = await getMessages({ Authorization: `${scheme} ${token}`, DPoP: proof });
      assert.equal(response.status, 200, scheme);
    }
  });

  test('compares htu without query and fragment, and with scheme, host and port normalised', async () => {
    const cases = [
      ['/api/messages?page=2', MESSAGES_URL],
      ['/api/messages', `${MESSAGES_URL}?page=2#top`],
      ['/api/messages?a=1', `${MESSAGES_URL}?b=2`],
      ['/api/messages', 'HTTPS://API.Example.TEST:443/api/messages'],
    ];
    for (const [path, url] of cases) {
      const token = await boundToken();
      const proof = await ctx.key.proof({ url, accessToken: token });
      assert.equal((await getMessages(dpop(token, proof), { path })).status, 200, `${path} ${url}`);
    }
  });

  test('takes a HEAD request with a proof whose htm is HEAD', async () => {
    const { headers } = await signedRequest({ method: 'HEAD' });
    assert.equal((await getMessages(headers, { method: 'HEAD' })).status, 200);
  });

  test('ignores the Host header: a proof for the configured URL passes whatever Host says', async () => {
    const { headers } = await signedRequest();
    const response = await getMessages({ ...headers, Host: 'evil.test' });
    assert.equal(response.status, 200);
  });

  test('without API_PUBLIC_URL, expects proofs for http://localhost:<the port it listens on>', async () => {
    await ctx.withApi({ publicUrl: undefined }, async (local) => {
      const port = new URL(local.baseUrl).port;
      const token = await boundToken();
      const proof = await ctx.key.proof({
        url: `http://localhost:${port}/api/messages`,
        accessToken: token,
      });
      assert.equal((await getMessages(dpop(token, proof), { target: local })).status, 200);

      const other = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
      assertBadProof(await getMessages(dpop(token, other), { target: local }));
    });
  });

  test('still needs the route scopes: 403 insufficient_scope in the DPoP challenge', async () => {
    const token = await boundToken(ctx.key, { scp: ['openid'] });
    const { headers } = await signedRequest({ token });
    assertRefused(await getMessages(headers), 'insufficient_scope', undefined, {
      status: 403,
      challenge: dpopChallenge('insufficient_scope', ', scope="openid email"'),
    });
  });
});

describe('Hostile case 1: the bound access token replayed as Bearer', () => {
  test('is 401 invalid_token, without a proof or with the stolen proof attached', async () => {
    const { token, proof } = await signedRequest();
    assertRefused(await getMessages(bearer(token)), 'invalid_token', 'no proof');
    assertRefused(
      await getMessages({ ...bearer(token), DPoP: proof }),
      'invalid_token',
      'with the proof',
    );
    assert.ok(ctx.api.logs.some((line) => /DPoP-bound access token .* sent as Bearer/.test(line)));
  });

  test('is refused with API_DPOP=allowed too, which takes unbound Bearer tokens', async () => {
    await ctx.withApi({ dpop: 'allowed' }, async (allowed) => {
      const response = await getMessages(bearer(await boundToken()), { target: allowed });
      assertRefused(response, 'invalid_token', undefined, {
        challenge: dpopChallenge('invalid_token', ', Bearer realm="api"'),
      });
    });
  });
});

describe('Hostile case 2: the access token with a proof from another key', () => {
  test('a valid proof by the attacker’s own key is 401 invalid_dpop_proof', async () => {
    const attacker = await createDpopKey('ES256');
    const token = await boundToken(ctx.key);
    const proof = await attacker.proof({ url: MESSAGES_URL, accessToken: token });
    assertBadProof(await getMessages(dpop(token, proof)));
    assert.ok(ctx.api.logs.some((line) => line.includes(`not by "${ctx.key.jkt}"`)));
  });

  test('a proof that shows the bound key but is signed by another is 401 invalid_dpop_proof', async () => {
    const attacker = await createDpopKey('RS256');
    const token = await boundToken(ctx.key);
    const proof = await ctx.key.proof({
      url: MESSAGES_URL,
      accessToken: token,
      key: attacker.privateKey,
    });
    assertBadProof(await getMessages(dpop(token, proof)));
  });
});

describe('Hostile case 3: a replayed proof', () => {
  test('the same proof a second time is 401 invalid_dpop_proof', async () => {
    const { headers } = await signedRequest();
    assert.equal((await getMessages(headers)).status, 200);
    assertBadProof(await getMessages(headers));
    assert.ok(ctx.api.logs.some((line) => /was used before/.test(line)));
  });

  test('a new proof that reuses a jti is 401 invalid_dpop_proof', async () => {
    const jti = 'reused-jti';
    const first = await signedRequest({ claims: { jti } });
    assert.equal((await getMessages(first.headers)).status, 200);
    const second = await signedRequest({ claims: { jti, iat: Math.floor(Date.now() / 1000) - 1 } });
    assertBadProof(await getMessages(second.headers));
  });

  test('the same jti from another key is a different proof, not a replay', async () => {
    const jti = 'shared-jti';
    const other = await createDpopKey('ES256');
    assert.equal(
      (await getMessages((await signedRequest({ claims: { jti } })).headers)).status,
      200,
    );
    const fromOther = await signedRequest({ dpopKey: other, claims: { jti } });
    assert.equal((await getMessages(fromOther.headers)).status, 200);
  });
});

describe('Hostile case 4: a proof for another method or another URL', () => {
  test('a proof for another method is 401 invalid_dpop_proof', async () => {
    for (const method of ['POST', 'get', 'HEAD']) {
      assertBadProof(await getMessages((await signedRequest({ method })).headers), method);
    }
  });

  test('a proof for another path, host, port or scheme is 401 invalid_dpop_proof', async () => {
    for (const url of [
      `${PUBLIC_URL}/api/health`,
      `${PUBLIC_URL}/api/messages/`,
      `${PUBLIC_URL}/API/messages`,
      'https://evil.test/api/messages',
      'https://api.example.test.evil.test/api/messages',
      'https://api.example.test:8443/api/messages',
      'http://api.example.test/api/messages',
      'wss://api.example.test/api/messages',
    ]) {
      assertBadProof(await getMessages((await signedRequest({ url })).headers), url);
    }
  });

  test('an htu that is missing, not a string or not a URL is 401 invalid_dpop_proof', async () => {
    for (const htu of [
      undefined,
      42,
      ['https://api.example.test/api/messages'],
      '/api/messages',
      'not a url',
    ]) {
      const response = await getMessages((await signedRequest({ claims: { htu } })).headers);
      assertBadProof(response, String(htu));
    }
  });

  test('a spoofed Host header does not make a proof for that host pass', async () => {
    const { headers } = await signedRequest({ url: 'https://evil.test/api/messages' });
    assertBadProof(await getMessages({ ...headers, Host: 'evil.test' }));
  });
});

describe('Hostile case 5: a proof with iat too old or in the future', () => {
  test('iat more than 60 s away either way, or not a number, is 401 invalid_dpop_proof', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 120, now - 62, now + 62, now + 3600, '1700000000', undefined]) {
      const response = await getMessages((await signedRequest({ claims: { iat } })).headers);
      assertBadProof(response, String(iat));
    }
  });

  test('iat a few seconds off, as clocks are, is accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 30, now + 30]) {
      assert.equal(
        (await getMessages((await signedRequest({ claims: { iat } })).headers)).status,
        200,
      );
    }
  });
});

describe('Hostile case 6: a proof without ath, or with another token’s', () => {
  test('no ath is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL });
    assertBadProof(await getMessages(dpop(token, proof)));
  });

  test('the ath of another token bound to the same key is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const other = await boundToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: other });
    assertBadProof(await getMessages(dpop(token, proof)));
    // The proof was fine for the token it was made for.
    assert.equal((await getMessages(dpop(other, proof))).status, 200);
  });

  test('an ath that is not a string, or the hash in another encoding, is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const hex = Buffer.from(accessTokenHash(token), 'base64url').toString('hex');
    for (const ath of [1, [accessTokenHash(token)], hex, `${accessTokenHash(token)}=`]) {
      const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token, claims: { ath } });
      assertBadProof(await getMessages(dpop(token, proof)), String(ath));
    }
  });
});

describe('Hostile case 7: alg none or a symmetric alg in the proof', () => {
  test('alg none, with or without a signature segment, is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    for (const signature of ['', 'AAAA']) {
      const header = { alg: 'none', typ: 'dpop+jwt', jwk: ctx.key.jwk };
      const proof = unsignedProof(header, proofClaims(token), signature);
      assertBadProof(await getMessages(dpop(token, proof)), `signature "${signature}"`);
    }
  });

  test('HS256 with a symmetric jwk, or keyed with the public key, is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const secret = Buffer.from('a shared secret the attacker picked');
    const octJwk = { kty: 'oct', k: secret.toString('base64url') };
    const withOct = hmacProof(
      { alg: 'HS256', typ: 'dpop+jwt', jwk: octJwk },
      proofClaims(token),
      secret,
    );
    assertBadProof(await getMessages(dpop(token, withOct)), 'oct jwk');

    const confused = hmacProof(
      { alg: 'HS256', typ: 'dpop+jwt', jwk: ctx.key.jwk },
      proofClaims(token),
      Buffer.from(ctx.key.jwk.n, 'base64url'),
    );
    assertBadProof(await getMessages(dpop(token, confused)), 'RSA jwk');
  });

  test('an asymmetric alg outside the list (PS256) is 401 invalid_dpop_proof', async () => {
    const psKey = await createDpopKey('PS256');
    const { headers } = await signedRequest({ dpopKey: psKey });
    assertBadProof(await getMessages(headers));
  });

  test('an RSA key shorter than 2048 bits is 401 invalid_dpop_proof', async () => {
    // jose will not sign with such a key, so node:crypto does.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const token = await ctx.issuer.mintToken({
      claims: { cnf: { jkt: await calculateJwkThumbprint(jwk) } },
    });
    const proof = handSigned(
      { alg: 'RS256', typ: 'dpop+jwt', jwk },
      proofClaims(token),
      privateKey,
    );
    assertBadProof(await getMessages(dpop(token, proof)));
  });
});

describe('Hostile case 8: a proof whose jwk carries a private key', () => {
  test('an RSA jwk with d (and the other private members) is 401 invalid_dpop_proof', async () => {
    const rsaKey = await createDpopKey('RS256');
    const privateJwk = await exportJWK(rsaKey.privateKey);
    const { headers } = await signedRequest({ dpopKey: rsaKey, header: { jwk: privateJwk } });
    assertBadProof(await getMessages(headers));
    assert.ok(
      ctx.api.logs.some((line) => /private key members \(d, p, q, dp, dq, qi\)/.test(line)),
    );
  });

  test('an EC jwk with d is 401 invalid_dpop_proof', async () => {
    const ecKey = await createDpopKey('ES256');
    const privateJwk = await exportJWK(ecKey.privateKey);
    const { headers } = await signedRequest({ dpopKey: ecKey, header: { jwk: privateJwk } });
    assertBadProof(await getMessages(headers));
  });

  test('a jwk with a symmetric k next to the public key is 401 invalid_dpop_proof', async () => {
    const { headers } = await signedRequest({ header: { jwk: { ...ctx.key.jwk, k: 'c2VjcmV0' } } });
    assertBadProof(await getMessages(headers));
    assert.ok(ctx.api.logs.some((line) => /private key members \(k\)/.test(line)));
  });
});

describe('GET /api/messages refuses a malformed DPoP request', () => {
  test('two DPoP headers, even two valid proofs, are 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const proofs = [
      await ctx.key.proof({ url: MESSAGES_URL, accessToken: token }),
      await ctx.key.proof({ url: MESSAGES_URL, accessToken: token }),
    ];
    assertBadProof(await getMessages({ Authorization: `DPoP ${token}`, DPoP: proofs }));
  });

  test('no DPoP header is 401 invalid_dpop_proof', async () => {
    assertBadProof(await getMessages({ Authorization: `DPoP ${await boundToken()}` }));
  });

  test('a proof that is not a compact JWS is 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    const valid = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
    const [head, body] = valid.split('.');
    for (const proof of [
      '',
      'not-a-jwt',
      `${head}.${body}`,
      `${head}.${body}.`,
      `${head}.${body}.c2ln.extra`,
      `${head}.${body}.${base64url.encode('not the signature')}`,
      `${base64url.encode('{')}.${body}.c2ln`,
      JSON.stringify({ protected: head, payload: body, signature: 'c2ln' }),
      `${valid}, ${valid}`,
    ]) {
      assertBadProof(await getMessages(dpop(token, proof)), proof.slice(0, 40));
    }
  });

  test('a proof without a jwk, or with a jwk that is not an object, is 401 invalid_dpop_proof', async () => {
    for (const jwk of [undefined, 'key', [ctx.key.jwk], null]) {
      const { headers } = await signedRequest({ header: { jwk } });
      assertBadProof(await getMessages(headers), String(jwk));
    }
  });

  test('a proof whose typ is missing or not dpop+jwt is 401 invalid_dpop_proof', async () => {
    for (const typ of [undefined, 'JWT', 'at+jwt', 'dpop']) {
      const { headers } = await signedRequest({ header: { typ } });
      assertBadProof(await getMessages(headers), String(typ));
    }
  });

  test('a proof without a jti, or an empty or non-string one, is 401 invalid_dpop_proof', async () => {
    for (const jti of [undefined, '', 7]) {
      const { headers } = await signedRequest({ claims: { jti } });
      assertBadProof(await getMessages(headers), String(jti));
    }
  });

  test('malformed DPoP credentials are 400 invalid_request in the DPoP challenge', async () => {
    const token = await boundToken();
    for (const authorization of ['DPoP', 'DPoP ', `DPoP ${token} extra`, `DPoP "${token}"`]) {
      assertRefused(
        await getMessages({ Authorization: authorization }),
        'invalid_request',
        authorization,
        {
          status: 400,
        },
      );
    }
  });

  test('an unbound token with the DPoP scheme is 401 invalid_token', async () => {
    const token = await ctx.issuer.mintToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
    assertRefused(await getMessages(dpop(token, proof)), 'invalid_token');
  });

  test('a token bound by something other than a jkt is 401 invalid_token, even as Bearer where Bearer is allowed', async () => {
    // A binding this API cannot check must not turn the token into a bearer token.
    await ctx.withApi({ dpop: 'allowed' }, async (allowed) => {
      for (const cnf of [
        { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
        { jkt: 'short' },
        'jkt',
        [ctx.key.jkt],
      ]) {
        const label = JSON.stringify(cnf);
        const token = await ctx.issuer.mintToken({ claims: { cnf } });
        const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
        const challenge = dpopChallenge('invalid_token', ', Bearer realm="api"');
        const withProof = await getMessages(dpop(token, proof), { target: allowed });
        assertRefused(withProof, 'invalid_token', label, { challenge });
        const asBearer = await getMessages(bearer(token), { target: allowed });
        assertRefused(asBearer, 'invalid_token', label, { challenge });
      }
    });
  });

  test('says nothing from the proof to the caller, and logs it printable', async () => {
    const jti = 'evil\u0085forged line\r\nsecond';
    const first = await signedRequest({ claims: { jti, htm: 'GET' } });
    assert.equal((await getMessages(first.headers)).status, 200);
    const replay = await getMessages(first.headers);
    assertBadProof(replay);
    assert.doesNotMatch(replay.text + replay.headers['www-authenticate'], /evil|forged|jti|jwk/);
    const line = ctx.api.logs.find((entry) => entry.includes('forged line'));
    assert.ok(line, 'the replay is logged');
    assert.doesNotMatch(line, /[^\x20-\x7e]/);
  });
});

describe('API_DPOP decides whether unbound Bearer tokens are taken', () => {
  test('required (the default): an unbound Bearer token is 401 invalid_token, DPoP challenge only', async () => {
    const response = await getMessages(bearer(await ctx.issuer.mintToken()));
    assertRefused(response, 'invalid_token');
    assert.ok(
      ctx.api.logs.some((line) => /unbound access token .* API_DPOP is required/.test(line)),
    );

    const anonymous = await getMessages({});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers['www-authenticate'], `DPoP algs="${ALGS}"`);
  });

  test('allowed: an unbound Bearer token passes, a DPoP-bound one still needs its proof', async () => {
    await ctx.withApi({ dpop: 'allowed' }, async (allowed) => {
      const unbound = await ctx.issuer.mintToken();
      assert.equal((await getMessages(bearer(unbound), { target: allowed })).status, 200);
      assert.equal(
        (await getMessages((await signedRequest()).headers, { target: allowed })).status,
        200,
      );

      const noProof = await getMessages(
        { Authorization: `DPoP ${await boundToken()}` },
        { target: allowed },
      );
      assertRefused(noProof, 'invalid_dpop_proof', undefined, {
        challenge: dpopChallenge('invalid_dpop_proof', ', Bearer realm="api"'),
      });

      // A proof with the Bearer scheme is a confused client: refused rather than half-checked.
      const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: unbound });
      const mixed = await getMessages({ ...bearer(unbound), DPoP: proof }, { target: allowed });
      assertRefused(mixed, 'invalid_request', undefined, {
        status: 400,
        challenge: new RegExp(
          `^Bearer realm="api", error="invalid_request", error_description="${QUOTED}", DPoP algs="${ALGS}"$`,
        ),
      });

      const anonymous = await getMessages({}, { target: allowed });
      assert.equal(
        anonymous.headers['www-authenticate'],
        `DPoP algs="${ALGS}", Bearer realm="api"`,
      );
    });
  });
});

describe('DPoP nonces, with API_DPOP_NONCE=on', () => {
  let nonceApi;
  before(async () => {
    nonceApi = await ctx.startApi({ dpopNonces: true });
  });
  after(() => nonceApi?.close());

  const call = async (token, nonce) =>
    getMessages(
      dpop(
        token,
        await ctx.key.proof({ url: MESSAGES_URL, accessToken: token, claims: { nonce } }),
      ),
      {
        target: nonceApi,
      },
    );

  test('a proof without a nonce is challenged with use_dpop_nonce; the retry with it passes', async () => {
    const token = await boundToken();
    const challenged = await call(token);
    assertRefused(challenged, 'use_dpop_nonce');
    const nonce = challenged.headers['dpop-nonce'];
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);

    const retried = await call(token, nonce);
    assert.equal(retried.status, 200);
    // Still the current nonce: nothing new to hand out.
    assert.equal(retried.headers['dpop-nonce'], undefined);
    assert.equal((await call(token, nonce)).status, 200);
  });

  test('a wrong nonce is challenged again, with a valid nonce', async () => {
    const token = await boundToken();
    for (const nonce of ['made-up', 'A'.repeat(43), '']) {
      const challenged = await call(token, nonce);
      assertRefused(challenged, 'use_dpop_nonce', nonce);
      assert.equal((await call(token, challenged.headers['dpop-nonce'])).status, 200, nonce);
    }
  });

  test('a nonce from the previous slot passes with a fresh one; an older one is challenged', async (t) => {
    const token = await boundToken(ctx.key, { exp: Math.floor(Date.now() / 1000) + 7200 });
    const nonce = (await call(token)).headers['dpop-nonce'];
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });

    t.mock.timers.tick(300_000);
    const previous = await call(token, nonce);
    assert.equal(previous.status, 200);
    const fresh = previous.headers['dpop-nonce'];
    assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(fresh, nonce);

    t.mock.timers.tick(600_000);
    const stale = await call(token, nonce);
    assertRefused(stale, 'use_dpop_nonce');
    assert.notEqual(stale.headers['dpop-nonce'], nonce);
    assert.equal((await call(token, stale.headers['dpop-nonce'])).status, 200);
  });

  test('without API_DPOP_NONCE, a nonce in the proof is ignored', async () => {
    const token = await boundToken();
    const proof = await ctx.key.proof({
      url: MESSAGES_URL,
      accessToken: token,
      claims: { nonce: 'anything' },
    });
    assert.equal((await getMessages(dpop(token, proof))).status, 200);
  });

  test('lets the app send DPoP and read DPoP-Nonce and WWW-Authenticate across origins', async () => {
    const preflight = await request(nonceApi.baseUrl, '/api/messages', {
      method: 'OPTIONS',
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,dpop',
      },
    });
    assert.equal(preflight.status, 204);
    const allowed = preflight.headers['access-control-allow-headers']
      .toLowerCase()
      .split(/\s*,\s*/);
    assert.ok(allowed.includes('dpop') && allowed.includes('authorization'));

    const token = await boundToken();
    const proof = await ctx.key.proof({ url: MESSAGES_URL, accessToken: token });
    const challenged = await getMessages(
      { ...dpop(token, proof), Origin: APP_ORIGIN },
      { target: nonceApi },
    );
    assert.equal(challenged.headers['access-control-allow-origin'], APP_ORIGIN);
    const exposed = challenged.headers['access-control-expose-headers']
      .toLowerCase()
      .split(/\s*,\s*/);
    assert.ok(exposed.includes('dpop-nonce') && exposed.includes('www-authenticate'));
  });
});

describe('The replay cache behind the API', () => {
  test('when full of fresh proofs it refuses new ones with 503 rather than forget old ones', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const replayCache = createMemoryReplayCache({ maxEntries: 2 });
    await ctx.withApi({ replayCache }, async (small) => {
      // One key per user, each within its share (one proof of a cache of two).
      const users = await Promise.all(
        ['RS256', 'ES256', 'RS256'].map(async (alg) => {
          const userKey = await createDpopKey(alg);
          const token = await boundToken(userKey, { exp: Math.floor(Date.now() / 1000) + 7200 });
          const proof = () => userKey.proof({ url: MESSAGES_URL, accessToken: token });
          return { token, proof, first: await proof() };
        }),
      );
      const send = async ({ token }, proof) => getMessages(dpop(token, proof), { target: small });
      assert.equal((await send(users[0], users[0].first)).status, 200);
      assert.equal((await send(users[1], users[1].first)).status, 200);

      const full = await send(users[2], users[2].first);
      assert.equal(full.status, 503);
      assert.equal(full.body.error, 'temporarily_unavailable');
      assert.equal(full.headers['retry-after'], '5');
      assertBadProof(await send(users[0], users[0].first), 'still remembered');
      assert.ok(small.logs.some((line) => /replay cache could not record/.test(line)));

      // Once the first proofs are past their window, there is room again.
      t.mock.timers.tick(121_000);
      assert.equal((await send(users[2], await users[2].proof())).status, 200);
    });
  });

  test('a shared store is a drop-in: a proof used at one instance is refused at another', async () => {
    const replayCache = recordingReplayCache();
    const first = await ctx.startApi({ replayCache });
    const second = await ctx.startApi({ replayCache });
    try {
      const iat = Math.floor(Date.now() / 1000);
      const { headers } = await signedRequest({ claims: { iat } });
      assert.equal((await getMessages(headers, { target: first })).status, 200);
      assertBadProof(await getMessages(headers, { target: second }));
      // Each proof is remembered until it would fail the iat check anyway.
      assert.deepEqual(replayCache.expiries, [(iat + 60) * 1000, (iat + 60) * 1000]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
