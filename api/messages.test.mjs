import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  AUDIENCE,
  bearer,
  close,
  createSigningKey,
  listen,
  mintAlgNone,
  mintHs256WithPublicKey,
  request,
  startApi,
  startFakeIssuer,
} from './test-support.mjs';

const INVALID_TOKEN_CHALLENGE =
  /^Bearer realm="api", error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+"$/;

let issuer;
let api;

before(async () => {
  issuer = await startFakeIssuer();
  api = await startApi({ issuer: issuer.issuer, audience: AUDIENCE });
});

after(async () => {
  await api?.close();
  await issuer?.close();
});

const getMessages = (headers) => request(api.baseUrl, '/api/messages', { headers });

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
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE });
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

  test('accepts a token signed with a newly rotated key by refetching the keys', async () => {
    const rotated = await issuer.addKey('test-key-2');
    const response = await getMessages(bearer(await issuer.mintToken({ key: rotated })));
    assert.equal(response.status, 200);
  });
});

describe('GET /api/messages without a token', () => {
  test('is 401 with a bare Bearer challenge and no error code', async () => {
    const response = await getMessages({});

    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="api"');
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

  test('a flood of made-up kids, while fetching the keys at most 10 times a minute', async () => {
    const freshApi = await startApi({ issuer: issuer.issuer, audience: AUDIENCE });
    try {
      const fetchesBefore = issuer.keyRequests;
      for (let i = 0; i < 12; i += 1) {
        const token = await issuer.mintToken({ kid: `made-up-${i}` });
        const response = await request(freshApi.baseUrl, '/api/messages', {
          headers: bearer(token),
        });
        assertRejectedToken(response, `made-up-${i}`);
      }
      assert.ok(issuer.keyRequests - fetchesBefore <= 10);
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

  test('a malformed Authorization header', async () => {
    const token = await issuer.mintToken();
    const malformed = [
      token,
      `Basic ${token}`,
      'Bearer',
      'Bearer ',
      `Bearer ${token} extra`,
      `Bearer ${token},Bearer ${token}`,
      `XBearer ${token}`,
      `Bearer"${token}`,
      `Token ${token}`,
      'Bearer not-a-jwt',
    ];
    for (const authorization of malformed) {
      const response = await getMessages({ Authorization: authorization });
      assertRejectedToken(response, authorization);
    }
  });
});

describe('GET /api/messages when the issuer cannot be reached', () => {
  test('is 503, so the app does not treat a good token as bad', async () => {
    const unused = http.createServer();
    const port = await listen(unused);
    await close(unused);
    const unreachable = `http://localhost:${port}/oauth2/default`;
    const offlineApi = await startApi({ issuer: unreachable, audience: AUDIENCE });
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
