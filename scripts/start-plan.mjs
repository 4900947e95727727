// What `npm start` runs: each server's command, environment overrides and readiness URL, derived
// from the settings alone, so that a test can check what would start without starting anything.
import { join } from 'node:path';

/**
 * @param {ReturnType<import('./settings.mjs').resolveSettings>} settings
 * @param {{ root: string, node?: string, withApp?: boolean }} options the repository root, the
 *   Node binary to run, and whether to serve this repository's app (false for `npm run servers`,
 *   which runs the provider and API for an app of your own)
 * @returns {{ name: string, command: string, args: string[], env: Record<string, string>,
 *   readyUrl: string, readyTimeoutMs?: number }[]} in start order; `env` is laid over the
 *   environment of `npm start` itself (see processes.mjs, childEnv)
 */
export function planStart(settings, { root, node = process.execPath, withApp = true }) {
  const { auth, devProvider } = settings;
  const servers = [];

  if (devProvider) {
    servers.push({
      name: 'provider',
      command: node,
      args: [join(root, 'dev-provider/server.mjs')],
      env: {
        DEV_PROVIDER_PORT: String(devProvider.port),
        DEV_PROVIDER_CLIENT_ID: devProvider.clientId,
        DEV_PROVIDER_APP_ORIGINS: settings.appOrigin,
        DEV_PROVIDER_AUDIENCE: settings.audience,
        // Like an Okta app with "Require DPoP header in token requests" on, or off.
        DEV_PROVIDER_DPOP: auth.dpop ? 'required' : 'off',
        // The fault switch is for the test stack only; never inherit it from the shell here.
        DEV_PROVIDER_FAULTS: 'off',
      },
      readyUrl: `${auth.issuer}/.well-known/openid-configuration`,
    });
  }

  servers.push({
    name: 'api',
    command: node,
    args: [join(root, 'api/server.mjs')],
    env: {
      OKTA_ISSUER: auth.issuer,
      OKTA_AUDIENCE: settings.audience,
      // The API accepts only the tokens of these clients: by default the app's own.
      API_CLIENT_IDS: settings.apiClientIds,
      ...(settings.apiRequiredScopes && { API_REQUIRED_SCOPES: settings.apiRequiredScopes }),
      ...(settings.apiAdminAcr && { API_ADMIN_ACR: settings.apiAdminAcr }),
      ...(settings.apiAdminMaxAge && { API_ADMIN_MAX_AGE: settings.apiAdminMaxAge }),
      API_PORT: String(settings.apiPort),
      // The URL DPoP proofs name (their htu), never taken from a request's Host header.
      API_PUBLIC_URL: settings.apiUrl,
      APP_ORIGINS: settings.appOrigin,
      // An app that binds its tokens gets an API that takes bound tokens only; with a Bearer
      // fallback allowed, the API takes unbound tokens too (bound ones always need their proof).
      API_DPOP: auth.dpop && !auth.dpopAllowBearer ? 'required' : 'allowed',
    },
    readyUrl: `${settings.apiUrl}/api/health`,
  });

  if (!withApp) return servers;

  servers.push({
    name: 'app',
    command: node,
    args: [
      join(root, 'node_modules/@angular/cli/bin/ng.js'),
      'serve',
      '--port',
      String(settings.appPort),
    ],
    env: { NG_CLI_ANALYTICS: 'false' },
    // ng serve's first build is slow on a small machine.
    readyUrl: `${settings.appOrigin}/config.json`,
    readyTimeoutMs: 300_000,
  });

  return servers;
}

/**
 * The config.json an app of your own serves to use these servers (`npm run servers`): only what
 * its `loadAuthConfig()` needs, with the defaults left out so that the file stays short.
 *
 * @param {ReturnType<import('./settings.mjs').resolveSettings>} settings
 */
export function hostAppConfig({ auth }) {
  return {
    issuer: auth.issuer,
    clientId: auth.clientId,
    apiOrigins: auth.apiOrigins,
    ...(!auth.dpop && { dpop: false }),
    ...(auth.dpopAllowBearer && { dpopAllowBearer: true }),
  };
}
