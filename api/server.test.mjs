import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { spawnServer, startServer } from '../scripts/testing/spawn-server.mjs';
import {
  CLIENT_ID,
  close,
  createDpopKey,
  dpop,
  listen,
  request,
  startFakeIssuer,
} from './test-support.mjs';

const SERVER_ENTRY = fileURLToPath(new URL('./server.mjs', import.meta.url));
const READY_LINE =
  /^Sample API ready at http:\/\/localhost:(\d+) \(issuer (\S+), audience (\S+), clients (\S+), DPoP (required|allowed)( with nonces)?\)$/m;

let issuer;

before(async () => {
  issuer = await startFakeIssuer();
});

after(async () => {
  await issuer?.close();
});

/** server.mjs as a child process for the fake issuer and the test client, once it is ready. */
const startApiProcess = (env) =>
  startServer(SERVER_ENTRY, {
    env: { OKTA_ISSUER: issuer.issuer, OKTA_CLIENT_ID: CLIENT_ID, API_PORT: '0', ...env },
    ready: READY_LINE,
  });

describe('node api/server.mjs', () => {
  test(
    'prints a ready line, serves requests and exits 0 on SIGTERM',
    { timeout: 10_000 },
    async () => {
      const server = await startApiProcess();
      try {
        const [, port, printedIssuer, audience, clients, dpopMode, nonces] = server.ready;
        assert.equal(printedIssuer, issuer.issuer);
        assert.equal(audience, 'api://default');
        assert.equal(clients, CLIENT_ID);
        assert.equal(dpopMode, 'required');
        assert.equal(nonces, undefined);

        const health = await request(`http://127.0.0.1:${port}`, '/api/health');
        assert.equal(health.status, 200);

        // By default a token must be DPoP-bound and come with a proof for the URL it announced.
        const key = await createDpopKey();
        const token = await issuer.mintToken({ claims: { cnf: { jkt: key.jkt } } });
        const url = `http://localhost:${port}/api/messages`;
        const messages = await request(`http://127.0.0.1:${port}`, '/api/messages', {
          headers: dpop(token, await key.proof({ url, accessToken: token })),
        });
        assert.equal(messages.status, 200);
        const unbound = await request(`http://127.0.0.1:${port}`, '/api/messages', {
          headers: { Authorization: `Bearer ${await issuer.mintToken()}` },
        });
        assert.equal(unbound.status, 401);

        assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });
      } finally {
        await server.stop('SIGKILL');
      }
    },
  );

  test(
    'accepts only the API_CLIENT_IDS and asks for API_REQUIRED_SCOPES, Bearer too with API_DPOP=allowed',
    { timeout: 10_000 },
    async () => {
      const server = await startApiProcess({
        API_CLIENT_IDS: '0oa-second-app',
        API_REQUIRED_SCOPES: 'messages:read',
        API_DPOP: 'allowed',
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

  test(
    'takes API_PUBLIC_URL as the URL proofs name, and API_DPOP_NONCE=on asks for a nonce',
    { timeout: 10_000 },
    async () => {
      const server = await startApiProcess({
        API_PUBLIC_URL: 'https://api.example.test/v1/',
        API_DPOP_NONCE: 'on',
      });
      try {
        assert.equal(server.ready[6], ' with nonces');
        const baseUrl = `http://127.0.0.1:${server.ready[1]}`;
        const key = await createDpopKey();
        const token = await issuer.mintToken({ claims: { cnf: { jkt: key.jkt } } });
        const url = 'https://api.example.test/v1/api/messages';
        const get = async (proofUrl, nonce) =>
          request(baseUrl, '/api/messages', {
            headers: dpop(
              token,
              await key.proof({ url: proofUrl, accessToken: token, claims: { nonce } }),
            ),
          });

        const challenged = await get(url);
        assert.equal(challenged.status, 401);
        assert.match(challenged.headers['www-authenticate'], /error="use_dpop_nonce"/);
        const nonce = challenged.headers['dpop-nonce'];
        assert.equal((await get(url, nonce)).status, 200);
        // The address it listens on is not the URL the app calls.
        const local = await get(`http://localhost:${server.ready[1]}/api/messages`, nonce);
        assert.equal(local.status, 401);
        assert.match(local.headers['www-authenticate'], /error="invalid_dpop_proof"/);
      } finally {
        await server.stop();
      }
    },
  );

  test('exits 1 with one sentence when a DPoP setting is wrong', { timeout: 10_000 }, async () => {
    for (const [name, value] of [
      ['API_DPOP', 'optional'],
      ['API_DPOP_NONCE', 'yes'],
      ['API_PUBLIC_URL', 'http://api.example.test'],
    ]) {
      const server = spawnServer(SERVER_ENTRY, {
        env: { OKTA_ISSUER: issuer.issuer, OKTA_CLIENT_ID: CLIENT_ID, [name]: value },
      });
      const { code } = await server.exited;

      assert.equal(code, 1, name);
      assert.match(
        server.output.stderr.trim(),
        new RegExp(`^Cannot start the sample API: ${name} must .*\\.$`),
        name,
      );
    }
  });

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
