import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { createApiServer } from './create-api.mjs';
import {
  AUDIENCE,
  bearer,
  CLIENT_ID,
  close,
  createSigningKey,
  listen,
  mintAlgNone,
  mintHs256WithPublicKey,
  request,
  startApi,
  startFakeIssuer,
} from './test-support.mjs';

// These tests check the access token itself, sent as a Bearer token: with API_DPOP=allowed, as for
// an app run with OKTA_DPOP=false, so the error is in the Bearer challenge and the DPoP one follows
// (dpop.test.mjs covers DPoP). The checks are the same for a DPoP-bound token.
const DPOP_CHALLENGE = 'DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512"';
const INVALID_TOKEN_CHALLENGE =
  /^Bearer realm="api", error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+", DPoP algs="[^"]+"$/;
const INVALID_REQUEST_CHALLENGE =
  /^Bearer realm="api", error="invalid_request", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+", DPoP algs="[^"]+"$/;
const INSUFFICIENT_SCOPE_CHALLENGE =
  /^Bearer realm="api", error="insufficient_scope", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+", scope="[\x21\x23-\x5b\x5d-\x7e ]+", DPoP algs="[^"]+"$/;

let issuer;
let api;

before(async () => {
  issuer = await startFakeIssuer();
  api = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, dpop: 'allowed' });
});

after(async () => {
  await api?.close();
  await issuer?.close();
});

const getMessages = (headers) => request(api.baseUrl, '/api/messages', { headers });

function assertMalformedRequest(response, label) {
  assert.equal(response.status, 400, label);
  assert.equal(response.body.error, 'invalid_request', label);
  assert.equal(typeof response.body.message, 'string', label);
  assert.match(response.headers['www-authenticate'], INVALID_REQUEST_CHALLENGE, label);
}

function assertRejectedToken(response, label) {
  assert.equal(response.status, 401, label);
  assert.equal(response.body.error, 'invalid_token', label);
  assert.equal(typeof response.body.message, 'string', label);
  assert.match(response.headers['www-authenticate'], INVALID_TOKEN_CHALLENGE, label);
}

describe('GET /api/messages with a valid access token', () => {
  test('returns the messages as JSON that must not be cached', async () => {
    const response = await getMessages(bearer(await issuer.mintToken()));

    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^application\/json/);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.ok(response.body.messages.length >= 3);
    for (const message of response.body.messages) {
      assert.equal(typeof message.id, 'string');
      assert.equal(typeof message.text, 'string');
      assert.equal(new Date(message.date).toISOString(), message.date);
    }
    assert.equal(
      new Set(response.body.messages.map((m) => m.id)).size,
      response.body.messages.length,
    );
  });

  test('greets the caller by the sub and uid claims of the token', async () => {
    const token = await issuer.mintToken({
      claims: { sub: 'grace@example.com', uid: '00u-grace' },
    });
    const { body } = await getMessages(bearer(token));

    const texts = body.messages.map((message) => message.text);
    assert.ok(
      texts.some((text) => text.includes('grace@example.com') && text.includes('00u-grace')),
    );
    assert.ok(texts.some((text) => text.includes('openid, profile, email')));
  });

  test('accepts the Bearer scheme in any letter case', async () => {
    const response = await getMessages({ Authorization: `bEaReR ${await issuer.mintToken()}` });
    assert.equal(response.status, 200);
  });

  test('fetches the signing keys once and serves later tokens from the cache', async () => {
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, dpop: 'allowed' });
    try {
      const fetchesBefore = issuer.keyRequests;
      for (let i = 0; i < 3; i += 1) {
        const response = await request(freshApi.baseUrl, '/api/messages', {
          headers: bearer(await issuer.mintToken()),
        });
        assert.equal(response.status, 200);
      }
      assert.equal(issuer.keyRequests - fetchesBefore, 1);
    } finally {
      await freshApi.close();
    }
  });

  test('accepts a token signed with a newly rotated key once the 30 s refetch cooldown is over', async (t) => {
    // A fake clock for jose's cache timestamps and the tokens' iat/exp alike.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, dpop: 'allowed' });
    const get = async (key) =>
      request(freshApi.baseUrl, '/api/messages', {
        headers: bearer(await issuer.mintToken({ key })),
      });
    try {
      const fetchesBefore = issuer.keyRequests;
      assert.equal((await get(issuer.signingKey)).status, 200);
      const rotated = await issuer.addKey('test-key-2');

      // Within the cooldown the key set fetched a moment ago stands, so a flood of unknown kids
      // cannot turn into a flood of fetches.
      t.mock.timers.tick(29_000);
      assertRejectedToken(await get(rotated), 'within the cooldown');
      assert.equal(issuer.keyRequests - fetchesBefore, 1);

      t.mock.timers.tick(1_000);
      assert.equal((await get(rotated)).status, 200);
      assert.equal((await get(issuer.signingKey)).status, 200);
      assert.equal(issuer.keyRequests - fetchesBefore, 2);
    } finally {
      await freshApi.close();
    }
  });
});

describe('GET /api/messages without a token', () => {
  test('is 401 with bare DPoP and Bearer challenges and no error code', async () => {
    const response = await getMessages({});

    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], `${DPOP_CHALLENGE}, Bearer realm="api"`);
    assert.equal(response.body.error, 'unauthorized');
    assert.equal(typeof response.body.message, 'string');
  });
});

describe('GET /api/messages rejects, with 401 invalid_token,', () => {
  test('an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.mintToken({ claims: { iat: now - 7200, exp: now - 60 } });
    const response = await getMessages(bearer(token));

    assertRejectedToken(response);
    assert.match(response.headers['www-authenticate'], /expired/);
  });

  test('a token signed by another key that claims the same kid', async () => {
    const impostor = await createSigningKey(issuer.signingKey.kid);
    assertRejectedToken(await getMessages(bearer(await issuer.mintToken({ key: impostor }))));
  });

  test('a token whose kid is not in the issuer key set', async () => {
    const token = await issuer.mintToken({ kid: 'not-in-the-jwks' });
    assertRejectedToken(await getMessages(bearer(token)));
  });

  test('a flood of made-up kids, while fetching the keys at most once per 30 s', async () => {
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, dpop: 'allowed' });
    try {
      const fetchesBefore = issuer.keyRequests;
      for (let i = 0; i < 12; i += 1) {
        const token = await issuer.mintToken({ kid: `made-up-${i}` });
        const response = await request(freshApi.baseUrl, '/api/messages', {
          headers: bearer(token),
        });
        assertRejectedToken(response, `made-up-${i}`);
      }
      assert.equal(issuer.keyRequests - fetchesBefore, 1);
    } finally {
      await freshApi.close();
    }
  });

  test('a flood of junk kids, while a valid token from an allowed client is still accepted', async () => {
    // The reviewer's repro: ten unsigned junk tokens, each with a kid of its own, are enough to
    // spend a per-minute budget of key fetches, after which a good token must still pass.
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE, dpop: 'allowed' });
    const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    try {
      for (let i = 0; i < 10; i += 1) {
        const junk = `${encode({ alg: 'RS256', kid: `x${i}` })}.${encode({})}.AA`;
        const response = await request(freshApi.baseUrl, '/api/messages', {
          headers: bearer(junk),
        });
        assertRejectedToken(response, `x${i}`);
      }
      const valid = await request(freshApi.baseUrl, '/api/messages', {
        headers: bearer(await issuer.mintToken()),
      });
      assert.equal(valid.status, 200);
    } finally {
      await freshApi.close();
    }
  });

  test('a token with no kid', async () => {
    const token = await issuer.mintToken({ omitKid: true });
    assertRejectedToken(await getMessages(bearer(token)));
  });

  test('a token for another audience, and says why in the log', async () => {
    const token = await issuer.mintToken({ claims: { aud: 'api://some-other-api' } });
    assertRejectedToken(await getMessages(bearer(token)));
    assert.ok(api.logs.some((line) => line.includes('api://some-other-api')));
  });

  test('a token from another issuer', async () => {
    const token = await issuer.mintToken({
      claims: { iss: 'https://evil.example.com/oauth2/default' },
    });
    assertRejectedToken(await getMessages(bearer(token)));
  });

  test('an unsigned alg "none" token, with or without a signature segment', async () => {
    assertRejectedToken(await getMessages(bearer(mintAlgNone(issuer))));
    assertRejectedToken(await getMessages(bearer(mintAlgNone(issuer, 'c2lnbmF0dXJl'))));
  });

  test('an HS256 token keyed with the issuer public key', async () => {
    assertRejectedToken(await getMessages(bearer(await mintHs256WithPublicKey(issuer))));
  });

  test('a token without an exp claim, which the verifier library alone would accept', async () => {
    const token = await issuer.mintToken({ claims: { exp: undefined } });
    assertRejectedToken(await getMessages(bearer(token)));
  });

  test('a token with its signature stripped, without crashing the API', async () => {
    const [header, payload] = (await issuer.mintToken()).split('.');
    assertRejectedToken(await getMessages(bearer(`${header}.${payload}.`)));
    assertRejectedToken(await getMessages(bearer(`${header}.${payload}`)));

    const health = await request(api.baseUrl, '/api/health');
    assert.equal(health.status, 200);
  });

  test('a Bearer credential that is not a signed JWT', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d', 'abc=']) {
      assertRejectedToken(await getMessages(bearer(token)), token);
    }
  });

  test('a token without a sub, or with an empty one', async () => {
    for (const sub of [undefined, '', 42]) {
      const token = await issuer.mintToken({ claims: { sub } });
      assertRejectedToken(await getMessages(bearer(token)), String(sub));
    }
  });

  test('a token whose nbf is not a number, which the verifier library alone would accept', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const nbf of ['soon', String(now - 60), [now - 60]]) {
      const token = await issuer.mintToken({ claims: { nbf } });
      assertRejectedToken(await getMessages(bearer(token)), JSON.stringify(nbf));
    }
  });

  test('a token whose scp is missing or not an array of scope names', async () => {
    for (const scp of [undefined, 'openid email', ['openid', 'email', 7], { 0: 'email' }]) {
      const token = await issuer.mintToken({ claims: { scp } });
      assertRejectedToken(await getMessages(bearer(token)), JSON.stringify(scp));
    }
  });
});

describe('GET /api/messages only accepts tokens issued to the allowed clients', () => {
  test('rejects a token another app of the org got for the same audience, and logs why', async () => {
    const token = await issuer.mintToken({ claims: { cid: '0oa-other-app-of-the-org' } });
    assertRejectedToken(await getMessages(bearer(token)));
    assert.ok(api.logs.some((line) => line.includes('0oa-other-app-of-the-org')));
  });

  test('rejects a token without a cid, or with a cid that is not a string', async () => {
    for (const cid of [undefined, '', [CLIENT_ID], { id: CLIENT_ID }]) {
      const token = await issuer.mintToken({ claims: { cid } });
      assertRejectedToken(await getMessages(bearer(token)), JSON.stringify(cid));
    }
  });

  test('compares the client id exactly', async () => {
    for (const cid of [CLIENT_ID.toUpperCase(), `${CLIENT_ID} `, `${CLIENT_ID}x`, 'x']) {
      const token = await issuer.mintToken({ claims: { cid } });
      assertRejectedToken(await getMessages(bearer(token)), cid);
    }
  });

  test('accepts a token of any client on the list', async () => {
    const twoApps = await startApi({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      dpop: 'allowed',
      clientIds: [CLIENT_ID, '0oa-second-app'],
    });
    try {
      for (const cid of [CLIENT_ID, '0oa-second-app']) {
        const token = await issuer.mintToken({ claims: { cid } });
        const response = await request(twoApps.baseUrl, '/api/messages', {
          headers: bearer(token),
        });
        assert.equal(response.status, 200, cid);
      }
    } finally {
      await twoApps.close();
    }
  });

  test('cannot be started without a client allow-list', () => {
    for (const clientIds of [undefined, [], [''], '0oa-test-client']) {
      assert.throws(
        () => createApiServer({ issuer: issuer.issuer, clientIds }),
        /clientIds/,
        JSON.stringify(clientIds),
      );
    }
  });
});

describe('GET /api/messages needs its scopes', () => {
  test('by default openid and email, which the app asks for', async () => {
    const token = await issuer.mintToken({
      claims: { scp: ['openid', 'profile', 'email', 'offline_access'] },
    });
    assert.equal((await getMessages(bearer(token))).status, 200);
  });

  test('a token lacking one is 403 insufficient_scope with the scopes needed', async () => {
    for (const scp of [['openid', 'profile'], ['email'], []]) {
      const token = await issuer.mintToken({ claims: { scp } });
      const response = await getMessages(bearer(token));

      assert.equal(response.status, 403, JSON.stringify(scp));
      assert.equal(response.body.error, 'insufficient_scope');
      assert.equal(typeof response.body.message, 'string');
      assert.match(response.headers['www-authenticate'], INSUFFICIENT_SCOPE_CHALLENGE);
      assert.match(
        response.headers['www-authenticate'],
        / scope="openid email", DPoP algs="[^"]+"$/,
      );
    }
  });

  test('a scope name must match exactly', async () => {
    for (const scp of [['openid', 'Email'], ['openid', 'email:read'], ['openid email']]) {
      const token = await issuer.mintToken({ claims: { scp } });
      assert.equal((await getMessages(bearer(token))).status, 403, JSON.stringify(scp));
    }
  });

  test('are the configured ones when the route is given its own', async () => {
    const custom = await startApi({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      dpop: 'allowed',
      requiredScopes: ['messages:read'],
    });
    try {
      const get = async (scp) =>
        request(custom.baseUrl, '/api/messages', {
          headers: bearer(await issuer.mintToken({ claims: { scp } })),
        });
      const denied = await get(['openid', 'profile', 'email']);
      assert.equal(denied.status, 403);
      assert.match(
        denied.headers['www-authenticate'],
        / scope="messages:read", DPoP algs="[^"]+"$/,
      );
      assert.equal((await get(['openid', 'messages:read'])).status, 200);
    } finally {
      await custom.close();
    }
  });
});

describe('GET /api/messages answers credential errors as RFC 6750 §3 says', () => {
  test('another scheme, or no scheme, gets the bare challenges with no error code', async () => {
    const token = await issuer.mintToken();
    const otherSchemes = [
      '',
      token,
      `Basic ${Buffer.from('ada:secret').toString('base64')}`,
      `Basic ${token}`,
      `Token ${token}`,
      `XBearer ${token}`,
      `Bearerx ${token}`,
      `DPoPx ${token}`,
      `XDPoP ${token}`,
    ];
    for (const authorization of otherSchemes) {
      const response = await getMessages({ Authorization: authorization });
      assert.equal(response.status, 401, authorization);
      assert.equal(
        response.headers['www-authenticate'],
        `${DPOP_CHALLENGE}, Bearer realm="api"`,
        authorization,
      );
      assert.equal(response.body.error, 'unauthorized', authorization);
    }
  });

  test('a malformed Bearer credential is 400 invalid_request', async () => {
    const token = await issuer.mintToken();
    const malformed = [
      'Bearer',
      'Bearer ',
      `Bearer ${token} extra`,
      `Bearer ${token} ${token}`,
      `Bearer ${token},Bearer ${token}`,
      `Bearer ${token}, Bearer ${token}`,
      `Bearer"${token}`,
      `Bearer "${token}"`,
      `Bearer ${token}!`,
      `Bearer ${token.replace('.', '=.')}`,
      `Bearer\t${token}`,
      `Bearer,${token}`,
    ];
    for (const authorization of malformed) {
      assertMalformedRequest(await getMessages({ Authorization: authorization }), authorization);
    }
  });

  test('a repeated Authorization header is 400 invalid_request, even when each is valid', async () => {
    const token = await issuer.mintToken();
    const response = await getMessages({ Authorization: [`Bearer ${token}`, `Bearer ${token}`] });
    assertMalformedRequest(response);
  });

  test('says nothing about the token or the verifier in error_description', async () => {
    const token = await issuer.mintToken({ claims: { aud: 'api://some-other-api' } });
    const response = await getMessages(bearer(token));
    assert.doesNotMatch(response.headers['www-authenticate'], /some-other-api|jwt|njwt|kid/i);
    assert.doesNotMatch(response.body.message, /some-other-api|jwt|njwt|kid/i);
  });
});

describe('GET /api/messages when the issuer cannot be reached', () => {
  test('is 503, so the app does not treat a good token as bad', async () => {
    const unused = http.createServer();
    const port = await listen(unused);
    await close(unused);
    const unreachable = `http://localhost:${port}/oauth2/default`;
    const offlineApi = await startApi({ issuer: unreachable, audience: AUDIENCE, dpop: 'allowed' });
    try {
      const token = await issuer.mintToken({ claims: { iss: unreachable } });
      const response = await request(offlineApi.baseUrl, '/api/messages', {
        headers: bearer(token),
      });

      assert.equal(response.status, 503);
      assert.equal(response.body.error, 'temporarily_unavailable');
      assert.equal(response.headers['retry-after'], '10');
    } finally {
      await offlineApi.close();
    }
  });
});
