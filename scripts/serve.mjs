// `npm run serve:prod`: serves the production build the way a real host should: SPA fallback,
// /config.json from the environment (one build for every environment), long caching only for
// hashed files, and strict security headers derived from the same settings as the app.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettingsOrExit } from './settings.mjs';

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

/** Content-Security-Policy for the app: only our own code, and only Okta + the API to talk to. */
export function contentSecurityPolicy({ issuer, apiUrl, nonce }) {
  const issuerOrigin = new URL(issuer).origin;
  const apiOrigin = new URL(apiUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Angular adds component styles at run time; the per-response nonce (ngCspNonce) allows them.
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${[...new Set([issuerOrigin, apiOrigin])].join(' ')}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    // 'self', not 'none': Angular's router needs <base href="/"> for deep links like /login/callback.
    "base-uri 'self'",
    `form-action 'self' ${issuerOrigin}`,
  ].join('; ');
}

/**
 * Creates the server for the built app in `dist`, configured by `settings`: HTTPS with `tls`
 * (`{ key, cert }`), plain HTTP otherwise (for localhost, or behind a TLS-terminating proxy).
 */
export function createAppServer(settings, dist = DIST, tls = null, configFile = null) {
  // A deployer may write config.json themselves (APP_CONFIG_FILE); the browser validates it.
  const configJson = configFile
    ? readFileSync(configFile, 'utf8')
    : JSON.stringify(settings.runtimeConfig);
  const handler = async (req, res) => {
    const common = {
      // Only over HTTPS: browsers ignore it on http, and on localhost it would pin the name to TLS.
      ...(tls ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...common, Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (path === '/config.json') {
      send(
        res,
        200,
        { ...common, 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' },
        configJson,
        req,
      );
      return;
    }
    const file = normalize(join(dist, path));
    if (file.startsWith(dist + sep) && (await isFile(file)) && !file.endsWith('index.html')) {
      // esbuild names: main-ABCD1234.js, chunk-9WU_U0IY.js, styles-x_Y-12ab.css
      const hashed = /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(file);
      send(
        res,
        200,
        {
          ...common,
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=86400',
        },
        await readFile(file),
        req,
        hashed ? file : null,
      );
      return;
    }
    if (extname(path) && path !== '/index.html') {
      send(res, 404, { ...common, 'Content-Type': TYPES['.txt'] }, 'Not found\n', req);
      return;
    }
    // Every other path is a client-side route: serve the app shell, never cached, with a fresh nonce.
    const nonce = randomBytes(16).toString('base64');
    const html = (await readFile(join(dist, 'index.html'), 'utf8')).replace(
      NONCE_PLACEHOLDER,
      nonce,
    );
    send(
      res,
      200,
      {
        ...common,
        'Content-Type': TYPES['.html'],
        'Cache-Control': 'no-store',
        'Content-Security-Policy': contentSecurityPolicy({
          issuer: settings.auth.issuer,
          apiUrl: settings.apiUrl,
          nonce,
        }),
      },
      html,
      req,
    );
  };
  return tls ? createTlsServer(tls, handler) : createServer(handler);
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
  const server = createAppServer(settings, DIST, tls, process.env.APP_CONFIG_FILE || null);
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
