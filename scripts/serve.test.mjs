import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { brotliDecompressSync } from 'node:zlib';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTrustProxy } from './serve-headers.mjs';
import { createAppServer, findOktaChunk, readOktaChunkDelay, readServeOptions } from './serve.mjs';
import { resolveSettings } from './settings.mjs';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';
const ENV = {
  OKTA_ISSUER: ISSUER,
  OKTA_CLIENT_ID: '0oa1realclient',
  API_URL: 'https://api.example.com',
};
const INDEX_HTML =
  '<html><body><app-root ngCspNonce="{{ CSP_NONCE }}"></app-root><script src="main-ABCDEFGH.js" nonce="{{CSP_NONCE}}"></script></body></html>';
const LOCKED_DOWN =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A build folder like `ng build`'s, beside a file that must never be served. */
function makeDist() {
  const parent = mkdtempSync(join(tmpdir(), 'serve-'));
  writeFileSync(join(parent, 'secret.txt'), 'SECRET-OUTSIDE-DIST\n');
  const dist = join(parent, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(join(dist, 'other.html'), '<p nonce="{{ CSP_NONCE }}">another page</p>');
  writeFileSync(join(dist, 'main-ABCDEFGH.js'), 'console.log(1);' + '\n// padding'.repeat(200));
  writeFileSync(join(dist, 'favicon.ico'), 'icon');
  return dist;
}

const listen = (server) =>
  new Promise((done) => server.listen(0, '127.0.0.1', done)).then(
    () => `http://127.0.0.1:${server.address().port}`,
  );
const close = (server) => new Promise((done) => server.close(done));
/** node:http rather than fetch, which picks the Host header itself. */
const get = (base, path, headers = {}) =>
  new Promise((resolve, reject) => {
    http
      .get(new URL(path, base), { headers, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
const escape = (text) => text.replace(/[+/]/g, '\\$&');

describe('production server', () => {
  let server;
  let base;
  const settings = resolveSettings(ENV);

  before(async () => {
    // A trailing slash, as a deployer might write it, must not change what is inside the folder.
    server = createAppServer(settings, { dist: `${makeDist()}/` });
    base = await listen(server);
  });
  after(() => close(server));

  it('serves the app shell for client-side routes, never cached, with a fresh nonce', async () => {
    const first = await fetch(`${base}/login/callback?code=x&state=y`);
    const second = await fetch(`${base}/profile`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const nonce = /nonce="([^"]+)"/.exec(await first.text())[1];
    assert.match(
      first.headers.get('content-security-policy'),
      new RegExp(`'nonce-${escape(nonce)}'`),
    );
    assert.doesNotMatch(await second.text(), new RegExp(escape(nonce)));
  });

  it('sends a strict Content-Security-Policy built from the served configuration, with Trusted Types', async () => {
    const response = await fetch(`${base}/`);
    const nonce = /nonce="([^"]+)"/.exec(await response.text())[1];
    assert.equal(
      response.headers.get('content-security-policy'),
      [
        "default-src 'self'",
        "script-src 'self'",
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' https://dev-123456.okta.com https://api.example.com",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self' https://dev-123456.okta.com",
        "require-trusted-types-for 'script'",
        'trusted-types angular',
      ].join('; '),
    );
  });

  it('sends the CSP with its nonce filled in on every HTML response, /index.html asked by name included', async () => {
    for (const path of [
      '/',
      '/profile',
      '/index.html',
      '/index.html?x=1',
      '//index.html',
      '/other.html',
    ]) {
      const response = await fetch(`${base}${path}`);
      const body = await response.text();
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type'), /^text\/html/, path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.doesNotMatch(body, /CSP_NONCE/, path);
      const nonce = /nonce="([^"]+)"/.exec(body)[1];
      assert.match(
        response.headers.get('content-security-policy'),
        new RegExp(
          `^default-src 'self'.*'nonce-${escape(nonce)}'.*require-trusted-types-for 'script'`,
        ),
        path,
      );
    }
  });

  it('sends a locked-down policy on error responses and on everything that is not the app', async () => {
    const answers = [
      await fetch(`${base}/missing-chunk.js`),
      await fetch(`${base}/`, { method: 'POST' }),
      await fetch(`${base}/main-ABCDEFGH.js`),
      await fetch(`${base}/config.json`),
    ];
    assert.deepEqual(
      answers.map((response) => response.status),
      [404, 405, 200, 200],
    );
    for (const response of answers) {
      assert.equal(response.headers.get('content-security-policy'), LOCKED_DOWN, response.url);
    }
  });

  it('sends the security headers on every response', async () => {
    for (const path of ['/', '/main-ABCDEFGH.js', '/config.json', '/missing.js']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
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

  it('reads Accept-Encoding by its tokens and q-values: q=0 refuses, unknown codings count for nothing', async () => {
    const cases = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0', null],
      ['br;q=0.0, gzip;q=0', null],
      ['x-br', null],
      ['x-br, x-gzip;q=0', null],
      ['gzip-ish, brotli', null],
      ['br;q=0.5, gzip', 'gzip'],
      ['gzip;q=0.5, br;q=0.5', 'br'],
      ['BR', 'br'],
      ['*', 'br'],
      ['*;q=0, gzip', 'gzip'],
      ['br;q=0, *', 'gzip'],
      ['gzip ; q=1.000', 'gzip'],
      ['br;q=2, gzip', 'gzip'],
      ['identity', null],
      ['', null],
    ];
    for (const [accept, expected] of cases) {
      const response = await get(base, '/main-ABCDEFGH.js', { 'Accept-Encoding': accept });
      assert.equal(response.headers['content-encoding'] ?? null, expected, accept);
    }
  });

  it('answers 404 for a missing file instead of the app shell', async () => {
    assert.equal((await fetch(`${base}/missing-chunk.js`)).status, 404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
  });
});

describe('production server: where the CSP origins come from', () => {
  const cspOf = async (server) => {
    const base = await listen(server);
    try {
      return (await fetch(`${base}/`)).headers.get('content-security-policy');
    } finally {
      await close(server);
    }
  };
  const directive = (csp, name) => csp.split('; ').find((entry) => entry.startsWith(`${name} `));

  it('lets the app connect to every API_ORIGINS entry and to the API itself', async () => {
    const settings = resolveSettings({
      ...ENV,
      API_ORIGINS: 'https://orders.example.com, https://billing.example.com:8443',
    });
    assert.equal(
      directive(await cspOf(createAppServer(settings, { dist: makeDist() })), 'connect-src'),
      "connect-src 'self' https://dev-123456.okta.com https://api.example.com https://orders.example.com https://billing.example.com:8443",
    );
  });

  it('with APP_CONFIG_FILE, derives the CSP from the file it serves, not from the environment', async () => {
    const dist = makeDist();
    const configFile = join(dist, '..', 'config.json');
    const served = {
      issuer: 'https://tenant.okta.com/oauth2/aus1',
      clientId: '0oafilefileclient001',
      apiUrl: 'https://api.tenant.example/v1',
      apiOrigins: ['https://api.tenant.example', 'https://files.tenant.example'],
    };
    writeFileSync(configFile, JSON.stringify(served));
    const server = createAppServer(resolveSettings(ENV), { dist, configFile });
    const base = await listen(server);
    try {
      assert.deepEqual(await (await fetch(`${base}/config.json`)).json(), served);
      const csp = (await fetch(`${base}/`)).headers.get('content-security-policy');
      assert.equal(
        directive(csp, 'connect-src'),
        "connect-src 'self' https://tenant.okta.com https://api.tenant.example https://files.tenant.example",
      );
      assert.equal(directive(csp, 'form-action'), "form-action 'self' https://tenant.okta.com");
      assert.doesNotMatch(csp, /dev-123456|api\.example\.com/);
    } finally {
      await close(server);
    }
  });

  it('lets the app reach no other origin when the served config.json is one the app refuses', async () => {
    const dist = makeDist();
    const configFile = join(dist, '..', 'config.json');
    for (const text of [
      JSON.stringify({
        issuer: 'https://dev-123456-admin.okta.com/oauth2/default',
        clientId: '0oae2etestclient0001',
        apiUrl: 'https://api.example.com',
      }),
      // An origin the URL parser accepts but that would add a directive to the policy.
      JSON.stringify({ issuer: ISSUER, clientId: '0oa1realclient', apiUrl: 'https://a;sandbox' }),
      'not json',
    ]) {
      writeFileSync(configFile, text);
      const csp = await cspOf(createAppServer(resolveSettings(ENV), { dist, configFile }));
      assert.equal(directive(csp, 'connect-src'), "connect-src 'self'", text);
      assert.equal(directive(csp, 'form-action'), "form-action 'self'", text);
    }
  });
});

describe('production server: config.json embedded in the app shell', () => {
  const SHELL =
    '<!doctype html><html><head><meta charset="utf-8"><title>App</title>' +
    '<link rel="stylesheet" href="styles-ABCDEFGH.css" nonce="{{ CSP_NONCE }}"></head>' +
    '<body><app-root ngCspNonce="{{ CSP_NONCE }}"></app-root>' +
    '<script src="main-ABCDEFGH.js" type="module" nonce="{{ CSP_NONCE }}"></script></body></html>';
  /** A build whose index.html has a <head>, as Angular writes it, and another page that has one. */
  const makeShellDist = () => {
    const dist = makeDist();
    writeFileSync(join(dist, 'index.html'), SHELL);
    writeFileSync(
      join(dist, 'other.html'),
      '<html><head><title>Other</title></head><body></body></html>',
    );
    return dist;
  };
  // What an HTML parser takes as the block's text: raw text, up to the first "</script".
  const BLOCK = /<script type="application\/json" id="app-config">([\s\S]*?)<\/script/gi;
  const blocksIn = (html) => [...html.matchAll(BLOCK)].map((match) => match[1]);
  const serve = async (options, run) => {
    const server = createAppServer(resolveSettings(ENV), { dist: makeShellDist(), ...options });
    const base = await listen(server);
    try {
      await run(base);
    } finally {
      await close(server);
    }
  };

  it('puts the very config.json it serves in the head of the app shell, as uncached as the file', async () => {
    await serve({}, async (base) => {
      const config = await fetch(`${base}/config.json`);
      const served = await config.text();
      for (const path of ['/', '/profile', '/login/callback?code=x&state=y', '/index.html']) {
        const response = await fetch(`${base}${path}`);
        const html = await response.text();
        assert.deepEqual(blocksIn(html), [served], path);
        const head = html.slice(0, html.indexOf('</head>'));
        assert.ok(head.includes('id="app-config"'), `${path}: the block is in <head>`);
        assert.equal(response.headers.get('cache-control'), 'no-store', path);
        assert.equal(response.headers.get('cache-control'), config.headers.get('cache-control'));
      }
    });
  });

  it('escapes values that would end the element or open a comment, and keeps every value as served', async () => {
    const dist = makeShellDist();
    const configFile = join(dist, '..', 'config.json');
    const served = {
      issuer: ISSUER,
      clientId: '0oa1realclient',
      apiUrl: 'https://api.example.com',
      adminGroup: '</script><script>alert(1)</script>',
      adminAcr: '<!--<script>',
      apiAudience: "a&amp;b > c \u2028\u2029 $& $' $` {{CSP_NONCE}} \\u003c",
    };
    writeFileSync(configFile, JSON.stringify(served, null, 2));
    await serve({ dist, configFile }, async (base) => {
      const html = await (await fetch(`${base}/`)).text();
      const blocks = blocksIn(html);
      assert.equal(blocks.length, 1);
      assert.doesNotMatch(blocks[0], /[<>&\u2028\u2029]/);
      assert.deepEqual(JSON.parse(blocks[0]), served);
      assert.deepEqual(JSON.parse(blocks[0]), await (await fetch(`${base}/config.json`)).json());
      // The page is the shell and one block: nothing from the config became markup.
      assert.equal(html.match(/<script/gi).length, 2);
      assert.doesNotMatch(html, /<!--/);
    });
  });

  it('embeds any config.json that is JSON, even one the app refuses, and none that is not', async () => {
    const dist = makeShellDist();
    const configFile = join(dist, '..', 'config.json');
    // JSON the app refuses is embedded, for the app to say why with the same sentence. Text that
    // is not JSON is not: the app fetches it and says so. The last is why: escaping its "<" would
    // make it JSON, and the app would start with a config.json that the file is not.
    const cases = [
      ['null', true],
      ['{"issuer": "https://dev-123456-admin.okta.com/oauth2/default"}', true],
      ['not json', false],
      ['', false],
      ['{"issuer": "https://x.okta.com", ', false],
      ['{"adminGroup": "\\<"}', false],
    ];
    for (const [text, embedded] of cases) {
      writeFileSync(configFile, text);
      await serve({ dist, configFile }, async (base) => {
        assert.equal(await (await fetch(`${base}/config.json`)).text(), text);
        const html = await (await fetch(`${base}/`)).text();
        assert.deepEqual(blocksIn(html), embedded ? [text] : [], text);
      });
    }
  });

  it('embeds config.json in the app shell and in no other HTML page of the build', async () => {
    await serve({}, async (base) => {
      assert.equal(blocksIn(await (await fetch(`${base}/`)).text()).length, 1);
      const other = await (await fetch(`${base}/other.html`)).text();
      assert.equal(other, '<html><head><title>Other</title></head><body></body></html>');
    });
  });
});

describe('production server: start-up warnings', () => {
  it('says an IPv6 issuer cannot be written into the CSP, not that the app cannot use it', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const dist = makeDist();
    const configFile = join(dist, '..', 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        issuer: 'http://[::1]:3000/oauth2/default',
        clientId: '0oadevspaclient00001',
        apiUrl: 'http://localhost:8000',
      }),
    );
    createAppServer(resolveSettings(ENV), { dist, configFile });
    assert.equal(warn.mock.callCount(), 1);
    const [message] = warn.mock.calls[0].arguments;
    assert.doesNotMatch(message, /not one the app can use/);
    assert.match(
      message,
      /"http:\/\/\[::1\]:3000" of the config\.json served cannot be written into a Content-Security-Policy/,
    );
  });

  it('still says so when the config.json served is one the app refuses', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const dist = makeDist();
    const configFile = join(dist, '..', 'config.json');
    writeFileSync(configFile, 'not json');
    createAppServer(resolveSettings(ENV), { dist, configFile });
    assert.match(
      warn.mock.calls[0].arguments[0],
      /the config\.json served is not one the app can use/,
    );
  });
});

describe('production server: settings from the environment and .env', () => {
  const SERVE_SETTINGS = {
    TLS_CERT_FILE: '/certs/cert.pem',
    TLS_KEY_FILE: '/certs/key.pem',
    APP_CONFIG_FILE: '/deploy/config.json',
    TRUST_PROXY: '1',
  };
  const rootWithEnvFile = (vars) => {
    const root = mkdtempSync(join(tmpdir(), 'serve-root-'));
    const lines = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
    writeFileSync(join(root, '.env'), `${lines.join('\n')}\n`);
    return root;
  };

  it('reads TLS_CERT_FILE, TLS_KEY_FILE, APP_CONFIG_FILE and TRUST_PROXY from .env', () => {
    assert.deepEqual(readServeOptions(rootWithEnvFile(SERVE_SETTINGS), {}), {
      tlsFiles: { cert: '/certs/cert.pem', key: '/certs/key.pem' },
      configFile: '/deploy/config.json',
      trustProxy: true,
    });
  });

  it('lets the environment win over .env, an empty value included (as e2e and the bench set them)', () => {
    const root = rootWithEnvFile(SERVE_SETTINGS);
    assert.deepEqual(
      readServeOptions(root, { APP_CONFIG_FILE: '/other/config.json', TRUST_PROXY: '0' }),
      {
        tlsFiles: { cert: '/certs/cert.pem', key: '/certs/key.pem' },
        configFile: '/other/config.json',
        trustProxy: false,
      },
    );
    const blank = { TLS_CERT_FILE: '', TLS_KEY_FILE: '', APP_CONFIG_FILE: '', TRUST_PROXY: '' };
    assert.deepEqual(readServeOptions(root, blank), {
      tlsFiles: null,
      configFile: null,
      trustProxy: false,
    });
  });

  it('refuses half a TLS pair, from the environment or from .env', () => {
    assert.throws(
      () => readServeOptions(rootWithEnvFile({}), { TLS_CERT_FILE: '/certs/cert.pem' }),
      /^Error: TLS_CERT_FILE is set but TLS_KEY_FILE is not: set both to serve HTTPS, or neither for plain HTTP\.$/,
    );
    assert.throws(
      () => readServeOptions(rootWithEnvFile({ TLS_KEY_FILE: '/certs/key.pem' }), {}),
      /^Error: TLS_KEY_FILE is set but TLS_CERT_FILE is not/,
    );
    assert.throws(
      () => readServeOptions(rootWithEnvFile(SERVE_SETTINGS), { TLS_KEY_FILE: '' }),
      /^Error: TLS_CERT_FILE is set but TLS_KEY_FILE is not/,
    );
  });

  it('exits with one sentence when only one of TLS_CERT_FILE and TLS_KEY_FILE is set', () => {
    const serve = fileURLToPath(new URL('./serve.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [serve], {
      env: { ...process.env, ...ENV, TLS_CERT_FILE: '/certs/cert.pem', TLS_KEY_FILE: '' },
      encoding: 'utf8',
      // Before the check, it went on to serve plain HTTP (or to look for a build) instead.
      timeout: 10_000,
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^Cannot start: TLS_CERT_FILE is set but TLS_KEY_FILE is not: set both to serve HTTPS, or neither for plain HTTP\.\n$/,
    );
  });
});

describe('production server: the Okta chunk held back for tests (SERVE_DELAY_OKTA_CHUNK_MS)', () => {
  const OKTA_CHUNK = 'chunk-OKTA1234.js';
  // okta-auth-js as esbuild leaves it: its SDK user agent, with the version, in a string.
  const OKTA_CODE = 'var Qe=class{constructor(){this.environments=[`okta-auth-js/7.14.5`]}};';
  /** A build with an Okta chunk, and a chunk that only names the package (as an error text can). */
  const distWithOktaChunk = () => {
    const dist = makeDist();
    writeFileSync(join(dist, OKTA_CHUNK), OKTA_CODE + '\n// padding'.repeat(200));
    writeFileSync(
      join(dist, 'chunk-NAMESIT1.js'),
      'throw new Error(`the minimum supported okta-auth-js version is 7`);',
    );
    return dist;
  };
  /** Milliseconds from the request to the end of the response, with the response. */
  const timed = async (base, path) => {
    const start = performance.now();
    const response = await get(base, path, { 'Accept-Encoding': 'br' });
    return { ...response, ms: performance.now() - start };
  };
  const quietly = (t) => t.mock.method(console, 'log', () => {});

  it('sends the Okta chunk that many milliseconds late, whole and never cached, and every other file at once', async (t) => {
    const log = quietly(t);
    const delay = 1_500;
    const dist = distWithOktaChunk();
    const server = createAppServer(resolveSettings(ENV), { dist, oktaChunkDelayMs: delay });
    const base = await listen(server);
    try {
      const [chunk, main, other, config] = await Promise.all([
        timed(base, `/${OKTA_CHUNK}`),
        timed(base, '/main-ABCDEFGH.js'),
        timed(base, '/chunk-NAMESIT1.js'),
        timed(base, '/config.json'),
      ]);
      assert.ok(chunk.ms >= delay - 5, `the Okta chunk came after ${chunk.ms} ms`);
      for (const [name, response] of Object.entries({ main, other, config })) {
        assert.ok(response.ms < delay, `${name} came after ${response.ms} ms`);
      }
      assert.equal(chunk.status, 200);
      assert.equal(chunk.headers['content-encoding'], 'br');
      // Cached, it would be late once per browser, and a reload or a second tab would not wait.
      assert.equal(chunk.headers['cache-control'], 'no-store');
      assert.equal(main.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(
        brotliDecompressSync(chunk.body).toString(),
        readFileSync(join(dist, OKTA_CHUNK), 'utf8'),
      );
      // Said at start-up, so that nobody measures a server that has it on by mistake.
      assert.match(
        log.mock.calls[0].arguments[0],
        /^For tests: the Okta chunk \(chunk-OKTA1234\.js\) is sent 1500 ms late, never cached \(SERVE_DELAY_OKTA_CHUNK_MS\)\.$/,
      );
    } finally {
      await close(server);
    }
  });

  it('finds the Okta chunk by okta-auth-js code among every .js file of the build, subfolders included', () => {
    const dist = distWithOktaChunk();
    assert.equal(findOktaChunk(dist), OKTA_CHUNK);
    writeFileSync(join(dist, 'assets', 'copy-ZZZZ9999.js'), OKTA_CODE);
    assert.throws(
      () => findOktaChunk(dist),
      new RegExp(
        `^Error: SERVE_DELAY_OKTA_CHUNK_MS is set but 2 \\.js files of ${escape(dist)} have okta-auth-js's code in them \\(assets/copy-ZZZZ9999\\.js, chunk-OKTA1234\\.js\\): it delays the Okta chunk, the one file of the build with that code\\.$`,
      ),
    );
  });

  it('refuses to start without an Okta chunk to hold back, rather than test nothing', () => {
    const dist = makeDist();
    // With no delay it does not look for one: a build without okta-auth-js is served as ever.
    createAppServer(resolveSettings(ENV), { dist, oktaChunkDelayMs: 0 });
    assert.throws(
      () => createAppServer(resolveSettings(ENV), { dist, oktaChunkDelayMs: 2_500 }),
      /^Error: SERVE_DELAY_OKTA_CHUNK_MS is set but none of the 1 \.js files of .* has okta-auth-js's code in it: it delays the Okta chunk/,
    );
  });

  it('reads whole milliseconds from 0 to 60000, unset or empty meaning 0, and refuses anything else', () => {
    const read = (value) => readOktaChunkDelay({ SERVE_DELAY_OKTA_CHUNK_MS: value });
    assert.equal(readOktaChunkDelay({}), 0);
    assert.equal(read(''), 0);
    assert.equal(read('0'), 0);
    assert.equal(read('2500'), 2_500);
    assert.equal(read('60000'), 60_000);
    for (const value of ['60001', '-1', '1.5', '1e3', '0x10', ' 5', 'soon', '9999999']) {
      assert.throws(
        () => read(value),
        new RegExp(
          `^Error: SERVE_DELAY_OKTA_CHUNK_MS must be a whole number of milliseconds from 0 to 60000, not "${escape(value)}"\\.$`,
        ),
        value,
      );
    }
  });

  it('exits with one sentence for a delay it cannot read', () => {
    const serve = fileURLToPath(new URL('./serve.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [serve], {
      env: { ...process.env, ...ENV, SERVE_DELAY_OKTA_CHUNK_MS: '2.5s' },
      encoding: 'utf8',
      // Without the check, it would go on to serve (and never exit).
      timeout: 10_000,
    });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      'Cannot start: SERVE_DELAY_OKTA_CHUNK_MS must be a whole number of milliseconds from 0 to 60000, not "2.5s".\n',
    );
  });
});

describe('production server: HSTS', () => {
  // A deployed name by default: HSTS is never sent to localhost (see the tests below).
  const hstsOf = async (options, headers = {}) => {
    const server = createAppServer(resolveSettings(ENV), { dist: makeDist(), ...options });
    const base = await listen(server);
    try {
      const response = await get(base, '/', { Host: 'app.example.test', ...headers });
      return response.headers['strict-transport-security'] ?? null;
    } finally {
      await close(server);
    }
  };

  it('behind a TLS-terminating proxy (TRUST_PROXY=1), sends HSTS when the proxy says https', async () => {
    const forwarded = { 'X-Forwarded-Proto': 'https' };
    assert.equal(
      await hstsOf({ trustProxy: true }, forwarded),
      'max-age=31536000; includeSubDomains',
    );
    // Proxies append: the last entry is the one our proxy wrote.
    assert.equal(await hstsOf({ trustProxy: true }, { 'X-Forwarded-Proto': 'https, http' }), null);
    assert.equal(await hstsOf({ trustProxy: true }, { 'X-Forwarded-Proto': 'http' }), null);
    assert.equal(await hstsOf({ trustProxy: true }), null);
  });

  it('behind a proxy, sends no HSTS to localhost, 127.0.0.1 or [::1], whose pin would cover every local port', async () => {
    const forwarded = { 'X-Forwarded-Proto': 'https' };
    for (const host of [
      'localhost:4200',
      'LOCALHOST',
      '127.0.0.1:4200',
      '[::1]:4200',
      'localhost.',
    ]) {
      assert.equal(await hstsOf({ trustProxy: true }, { ...forwarded, Host: host }), null, host);
    }
    assert.equal(
      await hstsOf({ trustProxy: true }, { ...forwarded, Host: 'localhost.example.test' }),
      'max-age=31536000; includeSubDomains',
    );
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY: any client can send it', async () => {
    assert.equal(await hstsOf({}, { 'X-Forwarded-Proto': 'https' }), null);
  });

  it('reads TRUST_PROXY as 1 or 0 and refuses anything else', () => {
    assert.equal(parseTrustProxy(undefined), false);
    assert.equal(parseTrustProxy(''), false);
    assert.equal(parseTrustProxy('0'), false);
    assert.equal(parseTrustProxy('1'), true);
    assert.throws(() => parseTrustProxy('yes'), /TRUST_PROXY must be 1 .* or 0, not "yes"/);
  });

  it('refuses to start with a TRUST_PROXY that is neither 1 nor 0', () => {
    const serve = fileURLToPath(new URL('./serve.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [serve], {
      env: { ...process.env, ...ENV, TRUST_PROXY: 'true' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^Cannot start: TRUST_PROXY must be 1 .* or 0, not "true"\.\n$/);
  });

  it('adds Strict-Transport-Security when it serves HTTPS itself, never on plain HTTP', async () => {
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
    const server = createAppServer(settings, { dist: dir, tls });
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    const headersFor = (host) =>
      new Promise((resolve, reject) => {
        const options = {
          host: '127.0.0.1',
          port: server.address().port,
          path: '/',
          ca: tls.cert,
          servername: '',
          headers: { Host: host },
          agent: false,
        };
        https
          .get(options, (res) => {
            res.resume();
            resolve(res.headers);
          })
          .on('error', reject);
      });
    try {
      const headers = await headersFor('app.example.test');
      assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      // A trusted local certificate must not pin every http://localhost:* for a year.
      for (const host of ['localhost:4200', '127.0.0.1', '[::1]:4200']) {
        assert.equal((await headersFor(host))['strict-transport-security'], undefined, host);
      }
      const plain = createAppServer(settings, { dist: dir });
      const response = await fetch(`${await listen(plain)}/`);
      assert.equal(response.headers.get('strict-transport-security'), null);
      await close(plain);
    } finally {
      await close(server);
    }
  });
});

/**
 * The server in a process of its own, as `npm run serve:prod` runs it: a request that ends the
 * process shows up here as a refused connection on the next request, not as a test-runner error.
 */
async function spawnServer(dist) {
  const serveUrl = new URL('./serve.mjs', import.meta.url).href;
  const settingsUrl = new URL('./settings.mjs', import.meta.url).href;
  const program = `
    import { createAppServer } from ${JSON.stringify(serveUrl)};
    import { resolveSettings } from ${JSON.stringify(settingsUrl)};
    const server = createAppServer(resolveSettings(${JSON.stringify(ENV)}), { dist: ${JSON.stringify(dist)} });
    server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], {
    cwd: join(fileURLToPath(import.meta.url), '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${stderr}`)),
    );
  });
  return {
    port,
    stderr: () => stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Sends `bytes` as they are and reads the whole answer (fetch would clean a request up first).
 * Resolves `{ status: 0 }` when the connection closes without an answer.
 */
function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) =>
      error.code === 'ECONNRESET' ? resolve({ status: 0 }) : reject(error),
    );
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...body] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0) || 0,
        headers,
        body: body.join('\r\n\r\n'),
      });
    });
    socket.write(Buffer.from(bytes, 'latin1'));
  });
}

/** Asks for `target` byte for byte, with one Host header and nothing else. */
function rawRequest(port, target, method = 'GET') {
  return rawExchange(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  );
}

describe('production server under malformed and hostile requests', () => {
  // Each test gets a process of its own, so one request that ends it cannot fail the others.
  let server;
  let dist;

  beforeEach(async () => {
    dist = makeDist();
    server = await spawnServer(dist);
  });
  afterEach(() => server.stop());

  /** Asks for each target, then proves with a plain request that the same process still serves. */
  async function expectAnswers(targets, status, method = 'GET') {
    for (const target of targets) {
      const label = JSON.stringify(
        target.length > 80 ? `${target.slice(0, 40)}… (${target.length} chars)` : target,
      );
      const response = await rawRequest(server.port, target, method);
      assert.equal(response.status, status, label);
      assert.doesNotMatch(response.body ?? '', /SECRET-OUTSIDE-DIST|CSP_NONCE/, label);
      const next = await rawRequest(server.port, '/profile');
      assert.equal(next.status, 200, `the next request after ${label}`);
      assert.ok(server.running(), `the server process is still running after ${label}`);
    }
  }

  it('answers 400 to malformed percent-escapes and keeps serving', async () => {
    await expectAnswers(['/%', '/a%zz', '/%E0%A4%A', '/%C0%AF', '/login/callback%?code=x'], 400);
    const response = await rawRequest(server.port, '/%');
    assert.equal(response.headers['content-security-policy'], LOCKED_DOWN);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('answers 400 to encoded traversal and never leaves the build folder', async () => {
    await expectAnswers(
      [
        '/%2e%2e/secret.txt',
        '/%2E%2E/%2e%2e/etc/passwd',
        '/..%2fsecret.txt',
        '/..%2f..%2fetc%2fpasswd',
        '/assets/..%2f..%2fsecret.txt',
        '/%2e%2e%5csecret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
      ],
      400,
    );
    // Encoded once more, it is a file name with "%2f" in it: not found, still inside the folder.
    await expectAnswers(['/..%252fsecret.txt'], 404);
  });

  it('answers 400 to NUL and control bytes, encoded or raw, and keeps serving', async () => {
    await expectAnswers(['/a%00b', '/%00.js', '/index.html%00.js', '/a%0d%0aSet-Cookie:x=1'], 400);
    await expectAnswers(['/a\0b'], 400);
  });

  it('answers 414 to request targets over 8 KiB and 431 past the header limit, and keeps serving', async () => {
    await expectAnswers([`/${'a'.repeat(8 * 1024)}`, `/?q=${'a'.repeat(9000)}`], 414);
    await expectAnswers([`/${'a'.repeat(20 * 1024)}`], 431);
  });

  it('answers 400 to absolute-form and asterisk-form targets, 405 to OPTIONS *', async () => {
    await expectAnswers(
      ['http://evil.example/', 'https://127.0.0.1/index.html', '*', 'index.html'],
      400,
    );
    await expectAnswers(['*'], 405, 'OPTIONS');
  });

  it('turns an error while handling a request into a 500 for that request only, and logs it', async () => {
    // A real failure, not a stub: the build folder loses index.html under the running server
    // (as when a deploy swaps dist/), so reading the app shell throws ENOENT.
    renameSync(join(dist, 'index.html'), join(dist, 'index.moved'));
    try {
      const response = await rawRequest(server.port, '/profile?tab=1');
      assert.equal(response.status, 500);
      assert.equal(response.headers['content-security-policy'], LOCKED_DOWN);
      assert.doesNotMatch(response.body, /ENOENT|index\.html/, 'no internals in the answer');
      assert.equal((await rawRequest(server.port, '/favicon.ico')).status, 200);
      assert.ok(server.running());
      assert.match(server.stderr(), /GET "\/profile\?tab=1" failed: .*ENOENT/);
    } finally {
      renameSync(join(dist, 'index.moved'), join(dist, 'index.html'));
    }
    assert.equal((await rawRequest(server.port, '/profile')).status, 200);
  });
});

describe('production server: requests that Node itself refuses, and symlinks', () => {
  let server;
  let dist;
  let port;

  before(async () => {
    dist = makeDist();
    // A link out of the build folder (as a careless deploy script might leave), one to a directory
    // outside, and one that stays inside.
    symlinkSync(join(dist, '..', 'secret.txt'), join(dist, 'leak.txt'));
    symlinkSync(join(dist, '..'), join(dist, 'parent'));
    symlinkSync(join(dist, 'main-ABCDEFGH.js'), join(dist, 'alias.js'));
    server = createAppServer(resolveSettings(ENV), { dist });
    port = Number(new URL(await listen(server)).port);
  });
  after(() => close(server));

  const assertLockedDown = (response, label) => {
    assert.equal(response.headers['content-security-policy'], LOCKED_DOWN, label);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', label);
    assert.equal(response.headers['x-frame-options'], 'DENY', label);
    assert.equal(response.headers['cache-control'], 'no-store', label);
  };

  it('never follows a symlink out of the build folder', async () => {
    for (const path of ['/leak.txt', '/parent/secret.txt']) {
      const response = await rawRequest(port, path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(response.body, /SECRET-OUTSIDE-DIST/, path);
      assertLockedDown(response, path);
    }
    assert.equal((await rawRequest(port, '/alias.js')).status, 200, 'a link inside is served');
  });

  it('answers malformed requests that Node refuses with the locked-down headers, and keeps serving', async () => {
    const malformed = {
      'a request line with a fourth part': 'GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n',
      'a header name with a space': 'GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n',
      'chunked with a Content-Length (request smuggling)':
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
      'a bad chunk size': 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    };
    for (const [label, bytes] of Object.entries(malformed)) {
      const response = await rawExchange(port, bytes);
      if (response.status === 405) {
        // The handler may answer a POST before the bad body is parsed; either way it is ours.
        assertLockedDown(response, label);
        continue;
      }
      assert.equal(response.status, 400, label);
      assertLockedDown(response, label);
      assert.equal(response.headers.connection, 'close', label);
      assert.equal((await rawRequest(port, '/profile')).status, 200, `after ${label}`);
    }
  });

  it('answers 431 past the header limit with the locked-down headers', async () => {
    const response = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    assert.equal(response.status, 431);
    assertLockedDown(response);
  });

  it('answers 400 to two Host headers, or none in HTTP/1.1 (RFC 9112 §3.2)', async () => {
    const twoHosts = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n',
    );
    assert.equal(twoHosts.status, 400);
    assertLockedDown(twoHosts);
    const noHost = await rawExchange(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(noHost.status, 400);
    assertLockedDown(noHost);
    const http10 = await rawExchange(port, 'GET /profile HTTP/1.0\r\n\r\n');
    assert.equal(http10.status, 200, 'HTTP/1.0 has no Host header to require');
  });

  it('gives a client 10 s to send its headers and 30 s for the whole request', () => {
    assert.equal(server.headersTimeout, 10_000);
    assert.equal(server.requestTimeout, 30_000);
  });
});
