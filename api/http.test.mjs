import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { APP_ORIGIN, AUDIENCE, request, startApi, startFakeIssuer } from './test-support.mjs';

const SECOND_APP_ORIGIN = 'https://app.example.test';

let issuer;
let api;

before(async () => {
  issuer = await startFakeIssuer();
  api = await startApi({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    // Bearer tokens keep these tests about CORS; dpop.test.mjs checks the DPoP headers' CORS.
    dpop: 'allowed',
    appOrigins: [APP_ORIGIN, SECOND_APP_ORIGIN],
  });
});

after(async () => {
  await api?.close();
  await issuer?.close();
});

const preflight = (origin, requestHeaders = 'authorization') =>
  request(api.baseUrl, '/api/messages', {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': requestHeaders,
    },
  });

function assertSecurityHeaders(response) {
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.equal(response.headers['cache-control'], 'no-store');
}

describe('GET /api/health', () => {
  test('answers 200 ok without a token', async () => {
    const response = await request(api.baseUrl, '/api/health');

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
    assertSecurityHeaders(response);
  });

  test('answers HEAD with the same status and no body', async () => {
    const response = await request(api.baseUrl, '/api/health', { method: 'HEAD' });

    assert.equal(response.status, 200);
    assert.equal(response.text, '');
  });
});

describe('Routing', () => {
  test('an unknown path is 404 JSON with the security headers', async () => {
    for (const path of ['/', '/api', '/api/message', '/api/messages/1', '/api/health/']) {
      const response = await request(api.baseUrl, path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error, 'not_found', path);
      assertSecurityHeaders(response);
    }
  });

  test('ignores the query string when matching a path', async () => {
    const response = await request(api.baseUrl, '/api/health?probe=1');
    assert.equal(response.status, 200);
  });

  test('a method the path does not support is 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await request(api.baseUrl, '/api/messages', { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.allow, 'GET, HEAD, OPTIONS', method);
      assert.equal(response.body.error, 'method_not_allowed', method);
      assertSecurityHeaders(response);
    }
  });

  test('a plain OPTIONS request (not a preflight) lists the allowed methods', async () => {
    const response = await request(api.baseUrl, '/api/messages', { method: 'OPTIONS' });

    assert.equal(response.status, 204);
    assert.equal(response.headers.allow, 'GET, HEAD, OPTIONS');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});

describe('CORS for the app origins', () => {
  test('a preflight from the app origin is 204 and allows GET with Authorization', async () => {
    const response = await preflight(APP_ORIGIN, 'authorization, content-type');

    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.equal(response.headers['access-control-allow-methods'], 'GET');
    assert.match(response.headers['access-control-allow-headers'], /\bAuthorization\b/i);
    assert.match(response.headers['access-control-allow-headers'], /\bContent-Type\b/i);
    assert.equal(response.headers['access-control-max-age'], '600');
    assert.match(response.headers.vary, /\bOrigin\b/);
    assert.equal(response.headers['access-control-allow-credentials'], undefined);
    assertSecurityHeaders(response);
  });

  test('every configured origin is allowed, each echoed back on its own', async () => {
    const response = await preflight(SECOND_APP_ORIGIN);
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], SECOND_APP_ORIGIN);
  });

  test('a GET from the app origin echoes the origin, also on a 401', async () => {
    const health = await request(api.baseUrl, '/api/health', { headers: { Origin: APP_ORIGIN } });
    assert.equal(health.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.match(health.headers.vary, /\bOrigin\b/);

    const unauthorized = await request(api.baseUrl, '/api/messages', {
      headers: { Origin: APP_ORIGIN },
    });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.headers['access-control-allow-origin'], APP_ORIGIN);
    // Lets the SPA read the challenge and tell an expired token from a missing one.
    assert.match(unauthorized.headers['access-control-expose-headers'], /WWW-Authenticate/i);
  });

  test('a 400 or 403 from the app origin can be read by the app, challenge included', async () => {
    const malformed = request(api.baseUrl, '/api/messages', {
      headers: { Origin: APP_ORIGIN, Authorization: 'Bearer' },
    });
    const token = await issuer.mintToken({ claims: { scp: ['openid'] } });
    const lackingScope = request(api.baseUrl, '/api/messages', {
      headers: { Origin: APP_ORIGIN, Authorization: `Bearer ${token}` },
    });
    for (const [status, response] of [
      [400, await malformed],
      [403, await lackingScope],
    ]) {
      assert.equal(response.status, status);
      assert.equal(response.headers['access-control-allow-origin'], APP_ORIGIN, String(status));
      assert.match(response.headers['access-control-expose-headers'], /WWW-Authenticate/i);
      assert.match(response.headers['www-authenticate'], /^Bearer realm="api", error="/);
    }
  });

  test('a GET with a valid token from the app origin can be read by the app', async () => {
    const response = await request(api.baseUrl, '/api/messages', {
      headers: { Origin: APP_ORIGIN, Authorization: `Bearer ${await issuer.mintToken()}` },
    });

    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], APP_ORIGIN);
  });
});

describe('CORS for any other origin', () => {
  const otherOrigins = [
    'http://localhost:4200.evil.test',
    'http://localhost:42001',
    'http://localhost:4201',
    'https://localhost:4200',
    'http://LOCALHOST:4200',
    'http://evil.test',
    'null',
  ];

  test('a preflight from a lookalike or other origin gets no Access-Control-Allow-Origin', async () => {
    for (const origin of otherOrigins) {
      const response = await preflight(origin);
      assert.notEqual(response.status, 204, origin);
      assert.equal(response.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(response.headers['access-control-allow-methods'], undefined, origin);
    }
    assert.ok(api.logs.some((line) => line.includes('http://localhost:4200.evil.test')));
  });

  test('a refused preflight logs its origin with control characters replaced, C1 included', async () => {
    // U+0085 (next line) and U+009B (CSI, which starts terminal escape sequences) arrive as the
    // single bytes 0x85 and 0x9b; JSON.stringify alone keeps both.
    const origin = 'http://evil.test\u0085forged line\u009b31m';
    assert.equal((await preflight(origin)).status, 403);
    const line = api.logs.find((entry) => entry.includes('forged line'));
    assert.ok(line, 'the refusal is logged');
    assert.match(line, /"http:\/\/evil\.test\?forged line\?31m"/);
    assert.doesNotMatch(line, /[^\x20-\x7e]/);
  });

  test('a GET from a lookalike or other origin gets no Access-Control-Allow-Origin', async () => {
    for (const origin of otherOrigins) {
      const response = await request(api.baseUrl, '/api/health', { headers: { Origin: origin } });
      assert.equal(response.status, 200, origin);
      assert.equal(response.headers['access-control-allow-origin'], undefined, origin);
      assert.match(response.headers.vary, /\bOrigin\b/, origin);
    }
  });
});
