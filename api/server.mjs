// Entry point: node api/server.mjs with OKTA_ISSUER and API_CLIENT_IDS or OKTA_CLIENT_ID (required),
// OKTA_AUDIENCE, API_REQUIRED_SCOPES, API_PORT, APP_ORIGINS, API_DPOP, API_DPOP_NONCE,
// API_DPOP_IAT_WINDOW_SECONDS, API_PUBLIC_URL, API_ADMIN_ACR and API_ADMIN_MAX_AGE in the
// environment. See api/README.md.

import process from 'node:process';

import { ConfigError, loadConfig } from './config.mjs';
import { createApiServer } from './create-api.mjs';

const HOST = '127.0.0.1';
const FORCE_CLOSE_AFTER_MS = 3000;

function exitWith(sentence) {
  console.error(`Cannot start the sample API: ${sentence}`);
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  exitWith(err.message);
}

const server = createApiServer({
  issuer: config.issuer,
  audience: config.audience,
  clientIds: config.clientIds,
  requiredScopes: config.requiredScopes,
  appOrigins: config.appOrigins,
  dpop: config.dpop,
  dpopNonces: config.dpopNonces,
  dpopIatWindowSeconds: config.dpopIatWindowSeconds,
  publicUrl: config.publicUrl,
  adminAcr: config.adminAcr,
  adminMaxAgeSeconds: config.adminMaxAgeSeconds,
  log: (message) => console.warn(message),
});

server.once('error', (err) => {
  if (err.code === 'EADDRINUSE') {
    exitWith(`port ${config.port} is already in use; stop the other process or set API_PORT.`);
  }
  if (err.code === 'EACCES') {
    exitWith(`not allowed to listen on port ${config.port}; set API_PORT to a port above 1024.`);
  }
  exitWith(err.message);
});

server.listen(config.port, HOST, () => {
  const { port } = server.address();
  console.log(
    `Sample API ready at http://localhost:${port} ` +
      `(issuer ${config.issuer}, audience ${config.audience}, clients ${config.clientIds.join(',')}, ` +
      `DPoP ${config.dpop}${config.dpopNonces ? ' with nonces' : ''})`,
  );
});

// Stop accepting connections and let in-flight requests finish; keep-alive sockets from the dev
// server or browser would otherwise hold the process open, so they are cut after a short grace.
function shutDown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS).unref();
}

// once(): a second Ctrl+C falls through to Node's default handler and exits immediately.
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);
