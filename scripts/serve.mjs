// `npm run serve:prod`: serves the production build the way a real host should: SPA fallback,
// /config.json from the environment (one build for every environment), long caching only for
// hashed files, and strict security headers on every response, the CSP derived from the
// config.json it serves. Malformed requests get a 4xx and a failing one a 500, never a crash.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LOCKED_DOWN_POLICY,
  contentSecurityPolicy,
  cspSourcesFromConfig,
  isHttpsRequest,
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
  414: 'URI too long\n',
  500: 'Internal server error\n',
};

/**
 * Creates the server for the built app in `dist`, configured by `settings`: HTTPS with `tls`
 * (`{ key, cert }`), plain HTTP otherwise (for localhost, or behind a TLS-terminating proxy, which
 * `trustProxy` lets us believe about the scheme). `configFile` replaces the generated config.json.
 */
export function createAppServer(
  settings,
  { dist: distFolder = DIST, tls = null, configFile = null, trustProxy = false } = {},
) {
  // Absolute and without a trailing slash, so that "inside the folder" is a plain prefix test.
  const dist = resolve(distFolder);
  // A deployer may write config.json themselves (APP_CONFIG_FILE); the browser validates it.
  const configJson = configFile
    ? readFileSync(configFile, 'utf8')
    : JSON.stringify(settings.runtimeConfig);
  // The CSP allows exactly the origins of the config.json we serve, whoever wrote it.
  const sources = cspSourcesFromConfig(configJson);
  if (sources.problem) {
    console.warn(
      `Warning: the config.json served is not one the app can use (${sources.problem}); the Content-Security-Policy lets the app reach no origin but its own.`,
    );
  }

  const handle = async (req, res) => {
    const https = isHttpsRequest(req, { tls, trustProxy });
    const headers = (csp = LOCKED_DOWN_POLICY) => securityHeaders({ https, csp });
    const sendError = (status, extra = {}) => sendErrorPage(req, res, status, https, extra);

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
    const found = await isFile(file);
    if (found && type !== '.html') {
      // esbuild names: main-ABCD1234.js, chunk-9WU_U0IY.js, styles-x_Y-12ab.css
      const hashed = /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(file);
      send(
        res,
        200,
        {
          ...headers(),
          'Content-Type': TYPES[type] ?? 'application/octet-stream',
          'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=86400',
        },
        await readFile(file),
        req,
        hashed ? file : null,
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
    const html = (await readFile(found ? file : join(dist, 'index.html'), 'utf8')).replace(
      NONCE_PLACEHOLDER,
      nonce,
    );
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

  // One failed request must never end the process: whatever a handler throws becomes a 500 for
  // that request alone, logged with the target (quoted, so a hostile one cannot forge log lines).
  const handler = (req, res) => {
    handle(req, res).catch((error) => {
      console.error(
        `${req.method} ${JSON.stringify(String(req.url).slice(0, 200))} failed: ${error?.stack ?? error}`,
      );
      try {
        if (res.headersSent) res.destroy();
        else sendErrorPage(req, res, 500, isHttpsRequest(req, { tls, trustProxy }));
      } catch {
        res.destroy();
      }
    });
  };
  return tls ? createTlsServer(tls, handler) : createServer(handler);
}

/** A short text answer for a 4xx or 5xx, locked down like every response that is not the app. */
function sendErrorPage(req, res, status, https, extra = {}) {
  send(
    res,
    status,
    {
      ...securityHeaders({ https, csp: LOCKED_DOWN_POLICY }),
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
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
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
  let trustProxy;
  try {
    trustProxy = parseTrustProxy(readEnvironment(root).TRUST_PROXY); // the environment or .env
  } catch (error) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  const settings = loadSettingsOrExit(root);
  if (!(await isFile(join(DIST, 'index.html')))) {
    console.error(
      'Cannot start: there is no production build in dist/; run "npm run build" first.',
    );
    process.exit(1);
  }
  // TLS_CERT_FILE + TLS_KEY_FILE serve HTTPS (and send HSTS); without them, plain HTTP.
  const { TLS_CERT_FILE, TLS_KEY_FILE } = process.env;
  const tls =
    TLS_CERT_FILE && TLS_KEY_FILE
      ? { cert: readFileSync(TLS_CERT_FILE), key: readFileSync(TLS_KEY_FILE) }
      : null;
  const server = createAppServer(settings, {
    dist: DIST,
    tls,
    configFile: process.env.APP_CONFIG_FILE || null,
    trustProxy,
  });
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
