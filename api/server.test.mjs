import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { spawnServer, startServer } from '../scripts/testing/spawn-server.mjs';
import { CLIENT_ID, close, listen, request, startFakeIssuer } from './test-support.mjs';

const SERVER_ENTRY = fileURLToPath(new URL('./server.mjs', import.meta.url));
const READY_LINE =
  /^Sample API ready at http:\/\/localhost:(\d+) \(issuer (\S+), audience (\S+), clients (\S+)\)$/m;

let issuer;

before(async () => {
  issuer = await startFakeIssuer();
});

after(async () => {
  await issuer?.close();
});

describe('node api/server.mjs', () => {
  test(
    'prints a ready line, serves requests and exits 0 on SIGTERM',
    { timeout: 10_000 },
    async () => {
      const server = await startServer(SERVER_ENTRY, {
        env: { OKTA_ISSUER: issuer.issuer, OKTA_CLIENT_ID: CLIENT_ID, API_PORT: '0' },
        ready: READY_LINE,
      });
      try {
        const [, port, printedIssuer, audience, clients] = server.ready;
        assert.equal(printedIssuer, issuer.issuer);
        assert.equal(audience, 'api://default');
        assert.equal(clients, CLIENT_ID);

        const health = await request(`http://127.0.0.1:${port}`, '/api/health');
        assert.equal(health.status, 200);

        const messages = await request(`http://127.0.0.1:${port}`, '/api/messages', {
          headers: { Authorization: `Bearer ${await issuer.mintToken()}` },
        });
        assert.equal(messages.status, 200);

        assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });
      } finally {
        await server.stop('SIGKILL');
      }
    },
  );

  test(
    'accepts only the API_CLIENT_IDS and asks for API_REQUIRED_SCOPES',
    { timeout: 10_000 },
    async () => {
      const server = await startServer(SERVER_ENTRY, {
        env: {
          OKTA_ISSUER: issuer.issuer,
          OKTA_CLIENT_ID: CLIENT_ID,
          API_CLIENT_IDS: '0oa-second-app',
          API_REQUIRED_SCOPES: 'messages:read',
          API_PORT: '0',
        },
        ready: READY_LINE,
      });
      try {
        const baseUrl = `http://127.0.0.1:${server.ready[1]}`;
        const get = async (claims) =>
          request(baseUrl, '/api/messages', {
            headers: { Authorization: `Bearer ${await issuer.mintToken({ claims })}` },
          });
        assert.equal((await get({})).status, 401);
        assert.equal((await get({ cid: '0oa-second-app' })).status, 403);
        const scp = ['openid', 'messages:read'];
        assert.equal((await get({ cid: '0oa-second-app', scp })).status, 200);
      } finally {
        await server.stop();
      }
    },
  );

  test('exits 1 with one sentence when OKTA_ISSUER is missing', { timeout: 10_000 }, async () => {
    const server = spawnServer(SERVER_ENTRY, { env: { OKTA_CLIENT_ID: CLIENT_ID } });
    const { code } = await server.exited;

    assert.equal(code, 1);
    assert.equal(server.output.stdout, '');
    assert.match(
      server.output.stderr.trim(),
      /^Cannot start the sample API: OKTA_ISSUER is required.*\.$/,
    );
    assert.equal(server.output.stderr.trim().split('\n').length, 1);
  });

  test(
    'exits 1 with one sentence when no client id says whose tokens to accept',
    { timeout: 10_000 },
    async () => {
      const server = spawnServer(SERVER_ENTRY, { env: { OKTA_ISSUER: issuer.issuer } });
      const { code } = await server.exited;

      assert.equal(code, 1);
      assert.match(
        server.output.stderr.trim(),
        /^Cannot start the sample API: API_CLIENT_IDS .*OKTA_CLIENT_ID.*\.$/,
      );
      assert.equal(server.output.stderr.trim().split('\n').length, 1);
    },
  );

  test(
    'exits 1 with one sentence when an http issuer is not local',
    { timeout: 10_000 },
    async () => {
      const server = spawnServer(SERVER_ENTRY, {
        env: {
          OKTA_ISSUER: 'http://dev-123456.okta.com/oauth2/default',
          OKTA_CLIENT_ID: CLIENT_ID,
        },
      });
      const { code } = await server.exited;

      assert.equal(code, 1);
      assert.match(
        server.output.stderr,
        /^Cannot start the sample API: OKTA_ISSUER must use https/,
      );
    },
  );

  test('exits 1 with one sentence when the port is in use', { timeout: 10_000 }, async () => {
    const blocker = http.createServer();
    const port = await listen(blocker);
    try {
      const server = spawnServer(SERVER_ENTRY, {
        env: { OKTA_ISSUER: issuer.issuer, OKTA_CLIENT_ID: CLIENT_ID, API_PORT: String(port) },
      });
      const { code } = await server.exited;

      assert.equal(code, 1);
      assert.match(
        server.output.stderr,
        new RegExp(`^Cannot start the sample API: port ${port} is already in use`, 'm'),
      );
    } finally {
      await close(blocker);
    }
  });
});
