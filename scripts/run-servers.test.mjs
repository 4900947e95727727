// The e2e stacks' launcher: every server at once, "ready" only when each one answers, and a server
// that fails takes the whole launch down instead of leaving the tests to talk to nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { spawnServer } from './testing/spawn-server.mjs';

const RUN_SERVERS = fileURLToPath(new URL('./run-servers.mjs', import.meta.url));
const READY = /^All servers answer\.$/m;

/** A port nothing listens on (yet). */
async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** A server that answers on `port` after `delayMs`, or then exits with `exitCode` instead. */
function tinyServer(name, port, { delayMs = 0, exitCode } = {}) {
  const code =
    exitCode === undefined
      ? `setTimeout(() => require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'), ${delayMs})`
      : `setTimeout(() => { console.error('${name} cannot start'); process.exit(${exitCode}); }, ${delayMs})`;
  return {
    name,
    command: process.execPath,
    args: ['-e', code],
    url: `http://127.0.0.1:${port}/`,
  };
}

const launches = [];
function launch(servers) {
  const launched = spawnServer(RUN_SERVERS, { env: { RUN_SERVERS: JSON.stringify(servers) } });
  launches.push(launched);
  return launched;
}
after(() => Promise.all(launches.map((launched) => launched.stop())));

describe('run-servers', { timeout: 30_000 }, () => {
  it('says it is ready only once every server answers, started side by side', async () => {
    const [slow, fast] = [await freePort(), await freePort()];
    const launched = launch([
      tinyServer('slow', slow, { delayMs: 1_500 }),
      tinyServer('fast', fast),
    ]);
    await launched.waitFor(READY);
    for (const port of [slow, fast]) {
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
    }
    assert.ok(launched.isRunning(), 'keeps the servers running after it is ready');
  });

  it('fails, naming the server, and stops the others when one exits', async () => {
    const port = await freePort();
    const launched = launch([
      tinyServer('fine', port),
      tinyServer('broken', 1, { exitCode: 3, delayMs: 500 }),
    ]);
    const { code } = await launched.exited;
    assert.equal(code, 1);
    assert.doesNotMatch(launched.output.stdout, READY);
    assert.match(launched.output.stderr, /\[broken\] broken cannot start/);
    assert.match(launched.output.stderr, /\[broken\] stopped \(exit 3\)/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the other server was stopped');
  });

  it('stops the servers when whoever started it goes away (its stdin pipe closes)', async () => {
    const port = await freePort();
    const launcher = spawn(process.execPath, [RUN_SERVERS], {
      env: { PATH: process.env.PATH, RUN_SERVERS: JSON.stringify([tinyServer('app', port)]) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = once(launcher, 'exit');
    let stdout = '';
    launcher.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    await new Promise((ready) => launcher.stdout.on('data', () => READY.test(stdout) && ready()));
    launcher.stdin.end();
    const [code] = await exited;
    assert.equal(code, 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the server was stopped');
  });

  it('refuses to start where something already answers', async () => {
    const squatter = createServer((_, res) => res.end('someone else'));
    await new Promise((done) => squatter.listen(0, '127.0.0.1', done));
    const { port } = squatter.address();
    try {
      const launched = launch([tinyServer('app', port)]);
      const { code } = await launched.exited;
      assert.equal(code, 1);
      assert.match(launched.output.stderr, /already answers where these servers go: app\./);
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });
});
