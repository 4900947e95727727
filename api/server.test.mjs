import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { close, listen, request, startFakeIssuer } from './test-support.mjs';

const SERVER_ENTRY = fileURLToPath(new URL('./server.mjs', import.meta.url));
const READY_LINE =
  /^Sample API ready at http:\/\/localhost:(\d+) \(issuer (\S+), audience (\S+)\)$/m;

let issuer;

before(async () => {
  issuer = await startFakeIssuer();
});

after(async () => {
  await issuer?.close();
});

// Runs server.mjs with exactly the given variables, so the developer's own OKTA_* settings cannot
// leak into the test.
function startServerProcess(env) {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk));
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  return { child, output, exited };
}

// Resolves with the ready line's match, or rejects if the process exits first.
function waitForReady({ child, output, exited }) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = READY_LINE.exec(output.stdout);
      if (match) {
        child.stdout.off('data', check);
        resolve(match);
      }
    };
    child.stdout.on('data', check);
    exited.then(({ code }) => reject(new Error(`exited with ${code}: ${output.stderr}`)));
  });
}

describe('node api/server.mjs', () => {
  test(
    'prints a ready line, serves requests and exits 0 on SIGTERM',
    { timeout: 10_000 },
    async () => {
      const server = startServerProcess({ OKTA_ISSUER: issuer.issuer, API_PORT: '0' });
      try {
        const [, port, printedIssuer, audience] = await waitForReady(server);
        assert.equal(printedIssuer, issuer.issuer);
        assert.equal(audience, 'api://default');

        const health = await request(`http://127.0.0.1:${port}`, '/api/health');
        assert.equal(health.status, 200);

        const messages = await request(`http://127.0.0.1:${port}`, '/api/messages', {
          headers: { Authorization: `Bearer ${await issuer.mintToken()}` },
        });
        assert.equal(messages.status, 200);

        server.child.kill('SIGTERM');
        assert.deepEqual(await server.exited, { code: 0, signal: null });
      } finally {
        server.child.kill('SIGKILL');
      }
    },
  );

  test('exits 1 with one sentence when OKTA_ISSUER is missing', { timeout: 10_000 }, async () => {
    const server = startServerProcess({});
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
    'exits 1 with one sentence when an http issuer is not local',
    { timeout: 10_000 },
    async () => {
      const server = startServerProcess({
        OKTA_ISSUER: 'http://dev-123456.okta.com/oauth2/default',
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
      const server = startServerProcess({ OKTA_ISSUER: issuer.issuer, API_PORT: String(port) });
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
