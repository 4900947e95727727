// Starts the dev provider: a loopback HTTP server that mounts oidc-provider at /oauth2/default,
// where Okta serves its custom authorization server "default".
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

import { reflectRequestedAcr } from './acr.mjs';
import { createAccounts, totpSecretFor } from './accounts.mjs';
import { trackAccessTokens } from './access-tokens.mjs';
import { canonicalTarget } from './canonical-paths.mjs';
import { buildConfiguration } from './configuration.mjs';
import { interactions } from './interactions.mjs';
import { generateCookieKeys, generateDpopNonceSecret } from './keys.mjs';
import { oktaCompat, trustedOriginCors } from './okta-compat.mjs';
import { DEFAULTS, withDerivedSettings } from './settings.mjs';
import { createSigningKeys } from './signing-keys.mjs';
import { createTotpVerifier } from './totp.mjs';

/** Loopback only: the provider is never reachable from other machines. */
const HOST = '127.0.0.1';
export const ISSUER_PATH = '/oauth2/default';
/** Error codes of a request whose client went away: Node's HTTP parser (HPE_*) or socket resets. */
const CLIENT_HANG_UP = /^(HPE_|ECONNRESET$|ECONNABORTED$|EPIPE$)/;

export class StartupError extends Error {
  name = 'StartupError';
}

/**
 * Starts a provider and resolves once it answers. `options` takes the settings of settings.mjs
 * (`port: 0` picks a free port; the issuer then names the real one; `faults: true` turns the fault
 * switch on) and `middleware`, Koa middleware run before all of this package's own inside the
 * provider. `testApiUrl` is the fault switch's admin API, only when the switch is on.
 *
 * @returns {Promise<{ issuer: string, port: number, testApiUrl?: string, close: () => Promise<void> }>}
 */
export async function startDevProvider(options = {}) {
  const { middleware = [], ...overrides } = options;
  const settings = withDerivedSettings({ ...DEFAULTS, ...overrides });

  // The issuer contains the port, which port 0 only reveals once listening; until the provider
  // exists, requests get 503 (start-up scripts poll until they get less than 500).
  const server = createServer();
  let app = (req, res) => sendText(res, 503, 'The dev OpenID provider is starting.');
  const skewDate = skewedDateHeader(settings.clockSkewSeconds);
  server.on('request', (req, res) => {
    skewDate?.(res);
    app(req, res);
  });
  await listen(server, settings.port);
  server.on('error', (err) => console.error('Dev OpenID provider server error:', err));

  try {
    const { port } = server.address();
    const origin = `http://localhost:${port}`;
    const issuer = `${origin}${ISSUER_PATH}`;
    const { provider, faultSwitch } = await createProvider({ settings, issuer, middleware });
    app = mountAtIssuer(provider.callback(), {
      host: `localhost:${port}`,
      issuer,
      testApi: faultSwitch?.testApi,
    });

    let closing;
    const close = () => (closing ??= closeServer(server));
    const testApiUrl = faultSwitch ? `${origin}${faultSwitch.testApi.path}` : undefined;
    return { issuer, port, ...(testApiUrl && { testApiUrl }), close };
  } catch (err) {
    await closeServer(server);
    throw err;
  }
}

async function createProvider({ settings, issuer, middleware }) {
  const signingKeys = await createSigningKeys();
  // Off unless asked for: then none of its hooks, middleware or test API exist, and its code (which
  // reaches into oidc-provider's internals, see faults/provider-keystore.mjs) is not even loaded.
  const faultSwitch = settings.faults
    ? (await import('./faults/index.mjs')).createFaultSwitch({ signingKeys })
    : undefined;
  const accounts = createAccounts(settings.password);
  const configuration = buildConfiguration({
    settings,
    issuer,
    signingJwk: signingKeys.current.privateJwk,
    cookieKeys: generateCookieKeys(),
    dpopNonceSecret: generateDpopNonceSecret(),
    accounts,
    extraParams: faultSwitch?.extraParams,
  });
  // No reverse proxy sits in front, so `provider.proxy` stays false and X-Forwarded-* headers are
  // ignored: URLs are built from the Host header, which mountAtIssuer pins to the issuer's.
  const provider = new Provider(issuer, configuration);
  // oidc-provider answers unexpected errors with server_error and otherwise only logs with DEBUG.
  provider.on('server_error', (ctx, err) => {
    console.error(`Dev OpenID provider failed on ${ctx.method} ${ctx.path}:`, err);
  });
  // Koa's default error listener logs a stack for every error that reaches it, including a client
  // that hangs up in the middle of its request body (the socket's "Parse Error", ECONNRESET). That
  // is the client's doing, not a provider failure; anything else is still logged.
  provider.on('error', (err, ctx) => {
    if (err.status === 404 || err.expose) return;
    if (ctx && !ctx.writable && CLIENT_HANG_UP.test(err.code ?? '')) return;
    console.error(`Dev OpenID provider failed on ${ctx?.method} ${ctx?.path}:`, err);
  });

  reflectRequestedAcr(provider);
  const secondFactor = createTotpVerifier({
    secretFor: (user) => totpSecretFor(user, settings.totpSecret),
    lockoutSeconds: settings.lockoutSeconds,
  });

  faultSwitch?.attach(provider, { secondFactor });
  // The fault switch may stand in for another Okta app setting, without a restart.
  const dpopMode = () => faultSwitch?.dpopMode() ?? settings.dpop;

  const accessTokens = trackAccessTokens(provider, {
    issuer,
    audience: settings.audience,
    signingKeys,
  });
  // provider.use() runs these, in this order, before oidc-provider's own routes. The fault
  // switch counts requests before CORS answers preflights, and injects faults after CORS so that
  // the app receives the faulty answers.
  for (const fn of [
    ...middleware,
    ...(faultSwitch ? [faultSwitch.countRequests] : []),
    trustedOriginCors(settings.trustedOrigins),
    ...(faultSwitch?.endpointMiddleware ?? []),
    ...oktaCompat({ provider, settings, issuer, accessTokens, dpopMode }),
    interactions({ provider, accounts, secondFactor, issuerPath: ISSUER_PATH }),
  ]) {
    provider.use(fn);
  }
  return { provider, faultSwitch };
}

/**
 * Serves the provider under the issuer's path, as Express's app.use(path, provider.callback())
 * would: oidc-provider reads the mount path from req.originalUrl and req.baseUrl when it builds
 * interaction, resume and discovery URLs (lib/helpers/oidc_context.js, urlFor), so both name the
 * path as rewritten. `testApi`, the fault switch's, answers /__test__/ when the switch is on.
 */
function mountAtIssuer(callback, { host, issuer, testApi }) {
  const prefix = new URL(issuer).pathname;
  return (req, res) => {
    // Generated URLs use the Host header; answering only to the issuer's keeps them equal to the
    // issuer (127.0.0.1 would also split the cookies) and turns DNS-rebinding requests away.
    if (req.headers.host?.toLowerCase() !== host) {
      return sendText(res, 421, `This provider only answers at http://${host}, its issuer's host.`);
    }
    if (testApi?.matches(req.url)) return testApi.handle(req, res);
    const rest = req.url.startsWith(prefix) ? req.url.slice(prefix.length) : undefined;
    if (rest === undefined || !(rest === '' || rest.startsWith('/') || rest.startsWith('?'))) {
      return sendText(res, 404, `Not found. The OpenID provider is at ${issuer}.`);
    }
    // Every middleware, and oidc-provider, sees one spelling of each routed path: the router would
    // take /V1/TOKEN/ for /v1/token, which the middleware compares exactly (canonical-paths.mjs).
    req.url = canonicalTarget(rest.startsWith('/') ? rest : `/${rest}`);
    req.originalUrl = `${prefix}${req.url}`;
    req.baseUrl = prefix;
    return callback(req, res);
  };
}

/**
 * For a clock skew other than 0: sets each response's Date header, just before its head is sent,
 * to the provider's time shifted by `seconds` (Node then adds no Date of its own). Every answer
 * gets it, whoever writes the head (Koa, oidc-provider, sendText, the test API). Tokens keep the
 * real time: oidc-provider reads the process clock, which the tests share.
 */
function skewedDateHeader(seconds) {
  if (!seconds) return undefined;
  return (res) => {
    const writeHead = res.writeHead;
    res.writeHead = function writeHeadWithSkewedDate(...args) {
      this.setHeader('Date', new Date(Date.now() + seconds * 1000).toUTCString());
      return writeHead.apply(this, args);
    };
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(describeListenError(err, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError).once('listening', onListening).listen(port, HOST);
  });
}

function describeListenError(err, port) {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `Port ${port} on ${HOST} is already in use; set DEV_PROVIDER_PORT to a free port.`,
      );
    case 'EACCES':
      return new StartupError(
        `Port ${port} needs privileges this process does not have; set DEV_PROVIDER_PORT to a port above 1023.`,
      );
    default:
      return err;
  }
}

function closeServer(server) {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive connections (browsers, fetch) would otherwise hold close() open.
    server.closeAllConnections();
  });
}

function sendText(res, status, text) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(`${text}\n`);
}
