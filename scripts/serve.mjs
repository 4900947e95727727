// `npm run serve:prod`: serves the production build the way a real host should: SPA fallback,
// /config.json from the environment (one build for every environment), also embedded in the app
// shell so that the app need not fetch it before it starts, long caching only for hashed files,
// and strict security headers on every response, the CSP derived from the config.json it serves.
// Malformed requests get a 4xx and a failing one a 500, never a crash.
//
// For tests only: SERVE_DELAY_OKTA_CHUNK_MS=<ms> (0 to 60000) holds every response for the Okta
// chunk (the one built file with okta-auth-js's code in it, found at start-up) that long, so that
// e2e tests see a slow network for that file alone without stubbing anything in the browser. The
// chunk then comes with no-store, so that every page load waits for it, as on a first visit: the
// browser's cache would otherwise hide the delay from a reload or a second tab. It is read from
// the environment only, never from .env, so that a line left there cannot slow a real deployment,
// and the server says at start-up that it is on.
import { randomBytes } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { STATUS_CODES, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LOCKED_DOWN_POLICY,
  contentSecurityPolicy,
  cspSourcesFromConfig,
  isHttpsRequest,
  isLoopbackRequest,
  parseTrustProxy,
  securityHeaders,
} from './serve-headers.mjs';
import { resolveRequestTarget } from './serve-target.mjs';
import { loadSettingsOrExit, readEnvironment } from './settings.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(root, 'dist/okta-angular-reference/browser');
const NONCE_PLACEHOLDER = /\{\{\s*CSP_NONCE\s*\}\}/g;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const REASONS = {
  400: 'Bad request\n',
  404: 'Not found\n',
  405: 'Method not allowed\n',
  408: 'Request timeout\n',
  414: 'URI too long\n',
  431: 'Request header fields too large\n',
  500: 'Internal server error\n',
};

// A GET carries no body, so a client that takes longer than this for its headers, or for the whole
// request, is holding a connection for nothing (Node's defaults are 60 s and 300 s).
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** serve.mjs's own variables, besides the app settings that settings.mjs reads. */
const SERVE_VARIABLES = ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'APP_CONFIG_FILE', 'TRUST_PROXY'];

/**
 * `TLS_CERT_FILE` + `TLS_KEY_FILE`, `APP_CONFIG_FILE` and `TRUST_PROXY`, from the environment or
 * `.env` like every other setting. A variable set to the empty string in the environment blanks the
 * `.env` value (readEnvironment alone would fall back to it): the e2e stack and the bench rely on
 * that to keep a developer's certificate or config file out of their runs. Throws one sentence.
 */
export function readServeOptions(root, env = process.env) {
  const merged = readEnvironment(root, env);
  const vars = Object.fromEntries(
    SERVE_VARIABLES.map((name) => [name, env[name] === '' ? undefined : merged[name]]),
  );
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY);
  const { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } = vars;
  if (Boolean(cert) !== Boolean(key)) {
    const [set, unset] = cert
      ? ['TLS_CERT_FILE', 'TLS_KEY_FILE']
      : ['TLS_KEY_FILE', 'TLS_CERT_FILE'];
    throw new Error(
      `${set} is set but ${unset} is not: set both to serve HTTPS, or neither for plain HTTP.`,
    );
  }
  return {
    tlsFiles: cert ? { cert, key } : null,
    configFile: vars.APP_CONFIG_FILE ?? null,
    trustProxy,
  };
}

/** The test-only delay of the Okta chunk, and its bounds (a minute is plenty for any test). */
const OKTA_CHUNK_DELAY_VARIABLE = 'SERVE_DELAY_OKTA_CHUNK_MS';
const MAX_OKTA_CHUNK_DELAY_MS = 60_000;

/**
 * `SERVE_DELAY_OKTA_CHUNK_MS` in milliseconds, 0 when unset or empty. From `env` alone: unlike the
 * settings above, a test-only setting must not come from .env. Throws one sentence.
 */
export function readOktaChunkDelay(env = process.env) {
  const value = env[OKTA_CHUNK_DELAY_VARIABLE];
  if (value === undefined || value === '') return 0;
  const ms = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(ms <= MAX_OKTA_CHUNK_DELAY_MS)) {
    throw new Error(
      `${OKTA_CHUNK_DELAY_VARIABLE} must be a whole number of milliseconds from 0 to ${MAX_OKTA_CHUNK_DELAY_MS}, not "${value}".`,
    );
  }
  return ms;
}

/**
 * okta-auth-js's SDK user agent ("okta-auth-js/7.14.5"), which its code carries as a string: no
 * other package writes it, and minifying keeps it. `ng build` names no lazy chunk in its output
 * (only --stats-json's metafile does), so this is how the Okta chunk is told from the others.
 */
const OKTA_AUTH_JS_MARKER = /okta-auth-js\/\d+\.\d+/;

/**
 * The Okta chunk of the build in `dist`: the one .js file, of all of them, with okta-auth-js's
 * marker in it, as a path relative to `dist`. Throws one sentence when no file or several have it,
 * since delaying the wrong file, or none, would let a test pass without testing anything.
 */
export function findOktaChunk(dist = DIST) {
  const scripts = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => relative(dist, join(entry.parentPath, entry.name)));
  const matches = scripts
    .filter((file) => OKTA_AUTH_JS_MARKER.test(readFileSync(join(dist, file), 'utf8')))
    .sort();
  if (matches.length === 1) return matches[0];
  const found =
    matches.length === 0
      ? `none of the ${scripts.length} .js files of ${dist} has okta-auth-js's code in it`
      : `${matches.length} .js files of ${dist} have okta-auth-js's code in them (${matches.join(', ')})`;
  throw new Error(
    `${OKTA_CHUNK_DELAY_VARIABLE} is set but ${found}: it delays the Okta chunk, the one file of the build with that code.`,
  );
}

/** The id the app looks for (src/app/auth/load-auth-config.ts). */
const CONFIG_BLOCK_ID = 'app-config';
/**
 * Characters escaped in the embedded JSON. "<" alone keeps it from ending the element
 * ("</script") or from opening a comment ("<!--", after which a "</script>" no longer ends it);
 * ">", "&", U+2028 and U+2029 go too, so that the text stays inert however it is read.
 */
const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * `configJson` as a JSON data block for the app shell's <head>, or null when it is not JSON: the
 * app then fetches /config.json and says why it cannot use it, as it does without a block.
 * The escapes are made in the text served, so the block parses to exactly what /config.json
 * does: in JSON those characters occur only inside strings, where "\u003c" reads as "<". (Not
 * so in a text that is not JSON: the invalid "\<" would become the valid "\\u003c".)
 *
 * A data block (a <script> whose type is not a JavaScript one) is never run, so script-src does
 * not apply to it: HTML's "prepare the script element" returns at the type check ("No script is
 * executed"), before it asks whether CSP blocks inline script, and Chromium's
 * ScriptLoader::PrepareScript does the same (ScriptTypeAtPrepare::kInvalid). The e2e tests, which
 * fail on any securitypolicyviolation, load it under the app's policy. It carries no nonce: our
 * script-src takes none, and nothing would check it.
 */
function configDataBlock(configJson) {
  try {
    JSON.parse(configJson);
  } catch {
    return null;
  }
  const escaped = configJson.replace(
    UNSAFE_IN_SCRIPT,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<script type="application/json" id="${CONFIG_BLOCK_ID}">${escaped}</script>`;
}

/**
 * The encoding to send for an Accept-Encoding header (RFC 9110 §12.5.3): br or gzip, whichever has
 * the higher q-value (br on a tie), or null. "q=0" refuses a coding, "*" stands for every coding
 * not listed, and only exact tokens count ("x-br" is not br). A malformed q-value counts as 0.
 */
export function chooseEncoding(header) {
  const weights = new Map();
  for (const entry of String(header ?? '').split(',')) {
    const [coding, ...parameters] = entry.split(';').map((part) => part.trim());
    if (!coding) continue;
    let weight = 1;
    for (const parameter of parameters) {
      const [name, value = ''] = parameter.split('=').map((part) => part.trim());
      if (name.toLowerCase() !== 'q') continue;
      weight = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : 0;
    }
    weights.set(coding.toLowerCase(), weight);
  }
  const weightOf = (coding) => weights.get(coding) ?? weights.get('*') ?? 0;
  const [br, gzip] = [weightOf('br'), weightOf('gzip')];
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : null;
}

/**
 * Creates the server for the built app in `dist`, configured by `settings`: HTTPS with `tls`
 * (`{ key, cert }`), plain HTTP otherwise (for localhost, or behind a TLS-terminating proxy, which
 * `trustProxy` lets us believe about the scheme). `configFile` replaces the generated config.json.
 * `oktaChunkDelayMs` (tests only) holds the Okta chunk's responses that long; throws one sentence
 * when the build has no single Okta chunk.
 */
export function createAppServer(
  settings,
  {
    dist: distFolder = DIST,
    tls = null,
    configFile = null,
    trustProxy = false,
    oktaChunkDelayMs = 0,
  } = {},
) {
  // Absolute and without a trailing slash, so that "inside the folder" is a plain prefix test.
  const dist = resolve(distFolder);
  // Found once, as the real path that fileInside() gives for it: the build does not change while
  // the server runs (a rebuild gives the chunk another name, and needs a restart anyway).
  let slowChunk = null;
  if (oktaChunkDelayMs > 0) {
    const file = findOktaChunk(dist);
    slowChunk = realpathSync(join(dist, file));
    console.log(
      `For tests: the Okta chunk (${file}) is sent ${oktaChunkDelayMs} ms late, never cached (${OKTA_CHUNK_DELAY_VARIABLE}).`,
    );
  }
  // The folder's real path, for the same test on files' real paths: stat and readFile follow
  // symlinks, so a link in the build must not lead out of it. Resolved once.
  let realDist;
  /** The real path of `file`, a regular file inside the build folder, or null. */
  const fileInside = async (file) => {
    try {
      realDist ??= await realpath(dist);
      const real = await realpath(file);
      return real.startsWith(realDist + sep) && (await isFile(real)) ? real : null;
    } catch {
      return null;
    }
  };
  // A deployer may write config.json themselves (APP_CONFIG_FILE); the browser validates it.
  const configJson = configFile
    ? readFileSync(configFile, 'utf8')
    : JSON.stringify(settings.runtimeConfig);
  // The CSP allows exactly the origins of the config.json we serve, whoever wrote it.
  const sources = cspSourcesFromConfig(configJson);
  if (sources.problem) {
    console.warn(
      `Warning: ${sources.problem}; the Content-Security-Policy lets the app reach no origin but its own.`,
    );
  }
  const configBlock = configDataBlock(configJson);

  // HSTS goes with HTTPS, but never to localhost: with a locally trusted certificate, its
  // includeSubDomains would pin every http://localhost:* app on the machine to https for a year.
  const sendsHsts = (req) => isHttpsRequest(req, { tls, trustProxy }) && !isLoopbackRequest(req);

  const handle = async (req, res) => {
    const hsts = sendsHsts(req);
    const headers = (csp = LOCKED_DOWN_POLICY) => securityHeaders({ hsts, csp });
    const sendError = (status, extra = {}) => sendErrorPage(req, res, status, hsts, extra);

    // RFC 9112 §3.2: a request with two Host headers, or an HTTP/1.1 request with none, is a 400.
    // (Node's own check for a missing Host is off below, as its 400 has none of our headers.)
    const hosts = req.headersDistinct.host ?? [];
    if (hosts.length > 1 || (hosts.length === 0 && req.httpVersion !== '1.0')) {
      sendError(400);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(405, { Allow: 'GET, HEAD' });
      return;
    }
    const target = resolveRequestTarget(req.url, dist);
    if (target.status) {
      sendError(target.status);
      return;
    }
    const { path, file } = target;
    if (path === '/config.json') {
      send(
        res,
        200,
        { ...headers(), 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' },
        configJson,
        req,
      );
      return;
    }
    const type = extname(file).toLowerCase();
    const found = await fileInside(file);
    if (found && type !== '.html') {
      // esbuild names: main-ABCD1234.js, chunk-9WU_U0IY.js, styles-x_Y-12ab.css
      const hashed = /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(file);
      const held = found === slowChunk;
      if (held) await sleep(oktaChunkDelayMs);
      send(
        res,
        200,
        {
          ...headers(),
          'Content-Type': TYPES[type] ?? 'application/octet-stream',
          'Cache-Control': held
            ? 'no-store'
            : hashed
              ? 'public, max-age=31536000, immutable'
              : 'public, max-age=86400',
        },
        await readFile(found),
        req,
        hashed ? found : null,
      );
      return;
    }
    if (!found && extname(path)) {
      sendError(404);
      return;
    }
    // An HTML file of the build, or a client-side route (the app shell): never cached, with a
    // fresh nonce in the page and in its CSP. HTML leaves this server by this path only.
    const nonce = randomBytes(16).toString('base64');
    const page = found ?? (await appShell());
    let html = (await readFile(page, 'utf8')).replace(NONCE_PLACEHOLDER, nonce);
    // The app shell also carries config.json, saving the app a round trip before it can start.
    // It is no-store like /config.json, so the copy is never older than the file. Added after
    // the nonce, so that config.json reaches the app as written; a function as the replacement,
    // so that "$&" and the like in it stay text. No </head> (not Angular's index.html): no block.
    if (configBlock && (!found || found === (await fileInside(join(dist, 'index.html'))))) {
      html = html.replace(/<\/head\s*>/i, (end) => configBlock + end);
    }
    send(
      res,
      200,
      {
        ...headers(contentSecurityPolicy({ ...sources, nonce })),
        'Content-Type': TYPES['.html'],
        'Cache-Control': 'no-store',
      },
      html,
      req,
    );
  };

  /** index.html's real path; a throw (a 500) when it is missing or leads out of the folder. */
  const appShell = async () => {
    const shell = await fileInside(join(dist, 'index.html'));
    if (shell) return shell;
    await stat(join(dist, 'index.html')); // throws ENOENT, the usual reason, for the log
    throw new Error('index.html is not a file inside the build folder');
  };

  // One failed request must never end the process: whatever a handler throws becomes a 500 for
  // that request alone, logged with the target (quoted, so a hostile one cannot forge log lines).
  const handler = (req, res) => {
    handle(req, res).catch((error) => {
      console.error(
        `${req.method} ${JSON.stringify(String(req.url).slice(0, 200))} failed: ${error?.stack ?? error}`,
      );
      try {
        if (res.headersSent) res.destroy();
        else sendErrorPage(req, res, 500, sendsHsts(req));
      } catch {
        res.destroy();
      }
    });
  };
  const options = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    requireHostHeader: false, // checked in handle(), answered with our headers
  };
  const server = tls
    ? createTlsServer({ ...tls, ...options }, handler)
    : createServer(options, handler);
  server.on('clientError', answerClientError);
  return server;
}

/**
 * Requests Node's parser refuses before any handler runs (a malformed request line or header,
 * chunked with Content-Length, headers past the size limit, a timeout) get a locked-down answer
 * and the connection closes; Node's own answers carry none of the security headers. No HSTS: the
 * request's Host was never read.
 */
function answerClientError(error, socket) {
  // As Node's default handler: nothing to answer on a reset or closed socket, or once a response
  // has started on it.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const body = REASONS[status];
  const headers = {
    ...securityHeaders({ hsts: false, csp: LOCKED_DOWN_POLICY }),
    'Content-Type': TYPES['.txt'],
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
}

/** A short text answer for a 4xx or 5xx, locked down like every response that is not the app. */
function sendErrorPage(req, res, status, hsts, extra = {}) {
  send(
    res,
    status,
    {
      ...securityHeaders({ hsts, csp: LOCKED_DOWN_POLICY }),
      'Content-Type': TYPES['.txt'],
      'Cache-Control': 'no-store',
      ...extra,
    },
    REASONS[status],
    req,
  );
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg)/;
/** Compressed hashed bundles, computed once: they never change while the server runs. */
const compressedCache = new Map();

/** Sends `body`, brotli- or gzip-compressed when the client accepts it and it is worth it. */
function send(res, status, headers, body, req, cacheKey = null) {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  let payload = typeof body === 'string' ? Buffer.from(body) : body;
  const extra = { Vary: 'Accept-Encoding' };
  if (encoding && payload.length > 1024 && COMPRESSIBLE.test(headers['Content-Type'] ?? '')) {
    const key = cacheKey && `${encoding}:${cacheKey}`;
    let compressed = key ? compressedCache.get(key) : undefined;
    if (!compressed) {
      compressed =
        encoding === 'br'
          ? brotliCompressSync(payload, {
              // Cached files get the best ratio; per-response HTML a fast one.
              params: { [zlibConstants.BROTLI_PARAM_QUALITY]: key ? 11 : 5 },
            })
          : gzipSync(payload, { level: key ? 9 : 6 });
      if (key) compressedCache.set(key, compressed);
    }
    payload = compressed;
    extra['Content-Encoding'] = encoding;
  }
  res.writeHead(status, { ...headers, ...extra, 'Content-Length': payload.length });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fail = (message) => {
    console.error(`Cannot start: ${message}`);
    process.exit(1);
  };
  let options;
  let oktaChunkDelayMs;
  try {
    options = readServeOptions(root); // the environment or .env, like every other setting
    oktaChunkDelayMs = readOktaChunkDelay(); // the environment only
  } catch (error) {
    fail(error.message);
  }
  const settings = loadSettingsOrExit(root);
  if (!(await isFile(join(DIST, 'index.html')))) {
    fail('there is no production build in dist/; run "npm run build" first.');
  }
  // TLS_CERT_FILE + TLS_KEY_FILE serve HTTPS (and send HSTS); without them, plain HTTP.
  const readSetting = (name, path) => {
    try {
      return readFileSync(path);
    } catch (error) {
      return fail(`cannot read ${name} "${path}" (${error.code ?? error.message}).`);
    }
  };
  const { tlsFiles, configFile, trustProxy } = options;
  const tls = tlsFiles && {
    cert: readSetting('TLS_CERT_FILE', tlsFiles.cert),
    key: readSetting('TLS_KEY_FILE', tlsFiles.key),
  };
  if (configFile) readSetting('APP_CONFIG_FILE', configFile);
  let server;
  try {
    server = createAppServer(settings, {
      dist: DIST,
      tls,
      configFile,
      trustProxy,
      oktaChunkDelayMs,
    });
  } catch (error) {
    fail(error.message);
  }
  server.on('error', (error) => {
    console.error(
      `Cannot start: ${error.code === 'EADDRINUSE' ? `port ${settings.appPort} is in use (set APP_PORT)` : error.message}.`,
    );
    process.exit(1);
  });
  server.listen(settings.appPort, '127.0.0.1', () => {
    console.log(
      `Production build served at ${tls ? settings.appOrigin.replace('http:', 'https:') : settings.appOrigin}`,
    );
  });
  const close = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}
