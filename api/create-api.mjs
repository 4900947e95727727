// Builds the sample API as an unstarted http.Server, so server.mjs can listen on a fixed port and
// tests can run it in-process on port 0.

import http from 'node:http';

import {
  DEFAULT_ADMIN_ACR,
  DEFAULT_ADMIN_MAX_AGE_SECONDS,
  DEFAULT_APP_ORIGINS,
  DEFAULT_AUDIENCE,
  DEFAULT_DPOP_IAT_WINDOW_SECONDS,
  DEFAULT_DPOP_MODE,
  parseAdminAcr,
  parseDpopMode,
  parseIssuer,
  parsePublicUrl,
  validateAdminMaxAge,
  validateOrigins,
} from './config.mjs';
import { createCors } from './cors.mjs';
import { createDpopNonces } from './dpop-nonces.mjs';
import { createDpopVerifier } from './dpop-proof.mjs';
import { createMemoryReplayCache } from './replay-cache.mjs';
import { createRequireToken } from './require-token.mjs';
import { sendEmpty, sendError, setSecurityHeaders } from './respond.mjs';
import { createAdminAuditRoute } from './routes/admin-audit.mjs';
import { getHealth } from './routes/health.mjs';
import { createMessagesRoute } from './routes/messages.mjs';

/**
 * `clientIds` (required): the clients whose access tokens are accepted. `requiredScopes`, when
 * given, replaces the scopes each protected route requires by default. `dpop`: `required` (only
 * DPoP-bound tokens with a proof) or `allowed` (unbound Bearer tokens too); `dpopNonces`: whether
 * proofs must carry a nonce from this API; `publicUrl`: the URL the app calls the API at (default
 * http://localhost:<the port it listens on>); `replayCache`: where used proofs are remembered
 * (replay-cache.mjs; one in memory by default). `adminAcr` (one acr value, or several separated by
 * spaces) and `adminMaxAgeSeconds` are what GET /api/admin/audit needs of the user's sign-in. See
 * api/README.md.
 */
export function createApiServer({
  issuer,
  audience = DEFAULT_AUDIENCE,
  clientIds,
  requiredScopes,
  appOrigins = DEFAULT_APP_ORIGINS,
  dpop = DEFAULT_DPOP_MODE,
  dpopNonces = false,
  dpopIatWindowSeconds = DEFAULT_DPOP_IAT_WINDOW_SECONDS,
  publicUrl,
  replayCache = createMemoryReplayCache(),
  adminAcr = DEFAULT_ADMIN_ACR,
  adminMaxAgeSeconds = DEFAULT_ADMIN_MAX_AGE_SECONDS,
  log = () => {},
}) {
  // Validated here as well as in server.mjs: whether plain http is tolerated for the issuer, whose
  // tokens are accepted, and whether bearer tokens are, are security decisions that in-process
  // callers must not skip.
  const configuredUrl = publicUrl === undefined ? undefined : parsePublicUrl(publicUrl);
  // The port is the one the socket listens on, never one taken from the request.
  const publicUrlOf = () => configuredUrl ?? `http://localhost:${server.address().port}`;
  const requireToken = createRequireToken({
    issuer: parseIssuer(issuer),
    audience,
    clientIds: validateClientIds(clientIds),
    dpop: parseDpopMode(dpop),
    dpopVerifier: createDpopVerifier({
      replayCache,
      nonces: dpopNonces ? createDpopNonces() : undefined,
      iatWindowSeconds: dpopIatWindowSeconds,
    }),
    publicUrl: publicUrlOf,
    log,
  });
  const cors = createCors({ appOrigins: validateOrigins([...appOrigins]), log });
  const adminAuthentication = {
    acr: parseAdminAcr(adminAcr),
    maxAgeSeconds: validateAdminMaxAge(adminMaxAgeSeconds),
  };

  // Path -> method -> handler. HEAD and OPTIONS are answered for every path, so they are not listed.
  const routes = new Map([
    ['/api/health', { GET: getHealth }],
    ['/api/messages', { GET: createMessagesRoute({ requireToken, scopes: requiredScopes }) }],
    [
      '/api/admin/audit',
      {
        GET: createAdminAuditRoute({
          requireToken,
          scopes: requiredScopes,
          authentication: adminAuthentication,
        }),
      },
    ],
  ]);

  async function handle(req, res) {
    setSecurityHeaders(res);
    const route = routes.get(pathOf(req.url));
    const methods = route ? Object.keys(route) : [];

    if (route && cors.isPreflight(req)) {
      cors.handlePreflight(req, res, methods);
      return;
    }
    cors.applyHeaders(req, res);

    if (!route) {
      sendError(res, 404, 'not_found', 'There is no API endpoint at this path.');
      return;
    }
    const allow = [...methods, 'HEAD', 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204, { Allow: allow });
      return;
    }
    // Node drops the body of a HEAD response by itself, so HEAD can share the GET handler.
    const handler = route[req.method === 'HEAD' ? 'GET' : req.method];
    if (!handler) {
      sendError(res, 405, 'method_not_allowed', `Use one of: ${allow}.`, { Allow: allow });
      return;
    }
    await handler(req, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      // Details go to the log only; callers get a generic message, never a stack trace.
      log(`Unexpected error for ${req.method} ${pathOf(req.url)}: ${err?.stack ?? err}`);
      if (res.headersSent) {
        res.destroy();
      } else {
        sendError(res, 500, 'server_error', 'Something went wrong in the sample API.');
      }
    });
  });
  return server;
}

function validateClientIds(clientIds) {
  if (!Array.isArray(clientIds) || clientIds.length === 0 || !clientIds.every(Boolean)) {
    throw new TypeError('createApiServer needs clientIds, a non-empty list of client ids.');
  }
  return [...clientIds];
}

// Parsed by hand: new URL() would read a request target like //evil.test/api/health as a host.
function pathOf(requestTarget = '') {
  return requestTarget.split(/[?#]/, 1)[0];
}
