import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppServer } from './serve.mjs';
import { resolveSettings } from './settings.mjs';

describe('production server', () => {
  let server;
  let base;
  const settings = resolveSettings({
    OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
    OKTA_CLIENT_ID: '0oa1realclient',
    API_URL: 'https://api.example.com',
  });

  before(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<html><body><app-root ngCspNonce="{{ CSP_NONCE }}"></app-root><script src="main-ABCDEFGH.js" nonce="{{CSP_NONCE}}"></script></body></html>',
    );
    writeFileSync(join(dist, 'main-ABCDEFGH.js'), 'console.log(1);' + '\n// padding'.repeat(200));
    writeFileSync(join(dist, 'favicon.ico'), 'icon');
    server = createAppServer(settings, dist);
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((done) => server.close(done)));

  it('serves the app shell for client-side routes, never cached, with a fresh nonce', async () => {
    const first = await fetch(`${base}/login/callback?code=x&state=y`);
    const second = await fetch(`${base}/profile`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const nonce = /nonce="([^"]+)"/.exec(await first.text())[1];
    assert.match(
      first.headers.get('content-security-policy'),
      new RegExp(`'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`),
    );
    assert.doesNotMatch(await second.text(), new RegExp(nonce.replace(/[+/]/g, '\\$&')));
  });

  it('sends a strict Content-Security-Policy built from the configured issuer and API', async () => {
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(
      csp,
      /connect-src 'self' https:\/\/dev-123456\.okta\.com https:\/\/api\.example\.com/,
    );
    assert.match(csp, /form-action 'self' https:\/\/dev-123456\.okta\.com/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('sends the security headers on every response', async () => {
    for (const path of ['/', '/main-ABCDEFGH.js', '/config.json']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', path);
    }
  });

  it('serves /config.json from the settings, not from the build', async () => {
    const response = await fetch(`${base}/config.json`);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), settings.runtimeConfig);
  });

  it('caches hashed bundles for a year and other files for a day', async () => {
    const hashed = await fetch(`${base}/main-ABCDEFGH.js`);
    assert.equal(hashed.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(hashed.headers.get('content-type'), /^text\/javascript/);
    assert.equal(
      (await fetch(`${base}/favicon.ico`)).headers.get('cache-control'),
      'public, max-age=86400',
    );
  });

  it('compresses text with brotli or gzip, as the client accepts', async () => {
    const big = await fetch(`${base}/main-ABCDEFGH.js`, { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(big.headers.get('content-encoding'), 'br');
    assert.equal(big.headers.get('vary'), 'Accept-Encoding');
    assert.match(await big.text(), /^console\.log\(1\);(\n\/\/ padding)+$/);
    const gzip = await fetch(`${base}/main-ABCDEFGH.js`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    assert.equal(gzip.headers.get('content-encoding'), 'gzip');
    const none = await fetch(`${base}/main-ABCDEFGH.js`, {
      headers: { 'Accept-Encoding': 'identity' },
    });
    assert.equal(none.headers.get('content-encoding'), null);
  });

  it('answers 404 for a missing file instead of the app shell', async () => {
    assert.equal((await fetch(`${base}/missing-chunk.js`)).status, 404);
  });

  it('never serves files outside the build folder', async () => {
    for (const path of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/hostname']) {
      const body = await (await fetch(`${base}${path}`)).text();
      assert.doesNotMatch(body, /root:|^[\w.-]+\n?$/, path);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
  });
});

describe('production server over HTTPS', () => {
  it('adds Strict-Transport-Security only when it serves HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    // A throwaway self-signed certificate for 127.0.0.1, made with the system's openssl.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    const settings = resolveSettings({});
    const tls = {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    };
    const server = createAppServer(settings, dir, tls);
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    try {
      const headers = await new Promise((resolve, reject) => {
        https
          .get(
            { host: '127.0.0.1', port: server.address().port, path: '/', ca: tls.cert },
            (res) => {
              res.resume();
              resolve(res.headers);
            },
          )
          .on('error', reject);
      });
      assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      const plain = createAppServer(settings, dir);
      await new Promise((done) => plain.listen(0, '127.0.0.1', done));
      const response = await fetch(`http://127.0.0.1:${plain.address().port}/`);
      assert.equal(response.headers.get('strict-transport-security'), null);
      await new Promise((done) => plain.close(done));
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
