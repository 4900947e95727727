// The servers `npm run bench` and `npm run lighthouse` measure: the embedded provider, the sample
// API and the production build behind scripts/serve.mjs, on ports of their own (3200/8200/4400 by
// default) so that a running `npm start` (3000/8000/4200) or e2e run (3100/8100/4300) is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, stopAll, waitForUrl } from './processes.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(root, 'dist/okta-angular-reference');
export const RESULTS_DIR = join(root, 'bench-results');

/** A client id of its own, so provider logs and stored grants are easy to tell from e2e ones. */
const CLIENT_ID = '0oabenchclient000001';

/**
 * Ports and URLs of the measured stack; BENCH_*_PORT override the defaults. The app is served
 * twice from the one build: with DPoP on (the default a newcomer gets, what every figure but the
 * DPoP comparison measures) and, on a port of its own, with DPoP off. The provider and the API
 * accept both kinds of token, so the two differ only in the app's setting.
 */
export function benchStack(env = process.env) {
  const port = (name, fallback) => {
    const value = env[name] ?? String(fallback);
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1 || number > 65535) {
      throw new Error(`${name} must be a port number between 1 and 65535, not "${value}".`);
    }
    return number;
  };
  const providerPort = port('BENCH_PROVIDER_PORT', 3200);
  const apiPort = port('BENCH_API_PORT', 8200);
  const appPort = port('BENCH_APP_PORT', 4400);
  const appOffPort = port('BENCH_APP_OFF_PORT', 4401);
  const issuer = `http://localhost:${providerPort}/oauth2/default`;
  const appOrigin = `http://localhost:${appPort}`;
  const appOffOrigin = `http://localhost:${appOffPort}`;
  const apiUrl = `http://localhost:${apiPort}`;
  const appOrigins = `${appOrigin},${appOffOrigin}`;
  // Every app setting is explicit (the app's defaults), so a developer's .env cannot change
  // what is measured.
  const appEnv = {
    OKTA_ISSUER: issuer,
    OKTA_CLIENT_ID: CLIENT_ID,
    OKTA_SCOPES: 'openid profile email offline_access',
    OKTA_TOKEN_STORAGE: 'sessionStorage',
    API_URL: apiUrl,
    APP_PORT: String(appPort),
    // Plain HTTP on localhost with the config.json above, even if the developer's shell or .env
    // points serve.mjs at a certificate, a config file or a proxy (empty values blank .env's).
    TLS_CERT_FILE: '',
    TLS_KEY_FILE: '',
    APP_CONFIG_FILE: '',
    TRUST_PROXY: '',
    // The e2e tests' slow Okta chunk never slows what is measured.
    SERVE_DELAY_OKTA_CHUNK_MS: '',
    // DPoP on, and no fallback to Bearer tokens: the app's defaults.
    OKTA_DPOP: 'true',
    OKTA_DPOP_ALLOW_BEARER: 'false',
  };
  const apiNonce = env.BENCH_API_DPOP_NONCE ?? 'off';
  if (apiNonce !== 'on' && apiNonce !== 'off') {
    throw new Error(`BENCH_API_DPOP_NONCE must be "on" or "off", not "${apiNonce}".`);
  }
  return {
    issuer,
    appOrigin,
    apiUrl,
    clientId: CLIENT_ID,
    ports: { provider: providerPort, api: apiPort, app: appPort, appOff: appOffPort },
    variants: {
      on: { dpop: true, appOrigin },
      off: { dpop: false, appOrigin: appOffOrigin },
    },
    providerEnv: {
      DEV_PROVIDER_PORT: String(providerPort),
      DEV_PROVIDER_CLIENT_ID: CLIENT_ID,
      DEV_PROVIDER_APP_ORIGINS: appOrigins,
      // The fault switch is for the e2e stack only; never inherit it from the shell here.
      DEV_PROVIDER_FAULTS: 'off',
      // Proofs when the app sends them (bound tokens, nonce challenge), plain Bearer when not.
      DEV_PROVIDER_DPOP: 'optional',
    },
    apiEnv: {
      OKTA_ISSUER: issuer,
      API_CLIENT_IDS: CLIENT_ID,
      API_REQUIRED_SCOPES: '',
      API_PORT: String(apiPort),
      APP_ORIGINS: appOrigins,
      // Checks the proof of a DPoP-bound token (no downgrade) and still takes unbound Bearer ones.
      API_DPOP: 'allowed',
      // Off by default, as in `npm start`; BENCH_API_DPOP_NONCE=on measures the nonce retry (§9).
      API_DPOP_NONCE: apiNonce,
    },
    appEnv,
    appOffEnv: { ...appEnv, APP_PORT: String(appOffPort), OKTA_DPOP: 'false' },
  };
}

/**
 * Starts the chosen servers and resolves once each answers. Refuses ports that are taken: polling
 * a URL on a port someone else serves would "succeed" and measure the wrong server.
 *
 * @param {ReturnType<typeof benchStack>} stack
 * @param {{ provider?: boolean, api?: boolean, app?: boolean, appOff?: boolean }} which
 * @param {import('node:child_process').ChildProcess[]} children receives every child as it starts,
 *   so that the caller can stop them even when start-up fails half-way.
 */
export async function startStack(stack, which, children) {
  const node = process.execPath;
  const servers = [
    which.provider && {
      name: 'provider',
      port: stack.ports.provider,
      variable: 'BENCH_PROVIDER_PORT',
      script: 'dev-provider/server.mjs',
      env: stack.providerEnv,
      url: `${stack.issuer}/.well-known/openid-configuration`,
    },
    which.api && {
      name: 'api',
      port: stack.ports.api,
      variable: 'BENCH_API_PORT',
      script: 'api/server.mjs',
      env: stack.apiEnv,
      url: `${stack.apiUrl}/api/health`,
    },
    which.app && {
      name: 'app',
      port: stack.ports.app,
      variable: 'BENCH_APP_PORT',
      script: 'scripts/serve.mjs',
      env: stack.appEnv,
      url: `${stack.appOrigin}/config.json`,
    },
    which.appOff && {
      name: 'app-dpop-off',
      port: stack.ports.appOff,
      variable: 'BENCH_APP_OFF_PORT',
      script: 'scripts/serve.mjs',
      env: stack.appOffEnv,
      url: `${stack.variants.off.appOrigin}/config.json`,
    },
  ].filter(Boolean);

  for (const server of servers) {
    if (!(await isPortFree(server.port))) {
      throw new Error(
        `port ${server.port} (${server.name}) is in use; stop what listens there or set ${server.variable}.`,
      );
    }
  }
  await Promise.all(
    servers.map((server) => {
      const child = startProcess(server.name, node, [join(root, server.script)], server.env);
      children.push(child);
      const isAlive = () => child.exitCode === null && child.signalCode === null;
      return waitForUrl(server.url, { timeoutMs: 30_000, isAlive }).catch((error) => {
        throw new Error(`the ${server.name} server did not start: ${error.message}`);
      });
    }),
  );
}

/**
 * Runs `cleanup` once: on normal exit paths (call the returned function) and on Ctrl-C/SIGTERM,
 * after which the process exits with 130/143. The returned function's `interrupted` turns true at
 * the signal, so that the measuring loop stops instead of failing run after run (and writes no
 * partial results) while the servers go down.
 */
export function onceWithSignals(cleanup) {
  let done;
  const run = () => (done ??= Promise.resolve().then(cleanup));
  run.interrupted = false;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => {
      run.interrupted = true;
      console.error(`\n${signal}: stopping the servers this script started…`);
      run().finally(() => process.exit(code));
    });
  }
  return run;
}

export { stopAll };

function isPortFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** What the numbers were measured on; benchmarks from different machines are not comparable. */
export function machineInfo() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return {
    date: new Date().toISOString(),
    cpuModel,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    // Timings only compare on an idle machine; this shows whether it was one.
    loadAverage: loadAverage(),
    commit: gitCommit(),
  };
}

/** The 1-, 5- and 15-minute load averages, rounded. */
export function loadAverage() {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

function gitCommit() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    // Benchmarks of uncommitted work say so; the numbers may not match any commit.
    return git('status', '--porcelain').length > 0 ? `${head} (uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

/**
 * Chromium flags on top of CHROMIUM_ARGS: any host name but localhost fails to resolve, so no
 * page, service or audit can reach the internet, whatever it tries (the attempt shows up as a
 * failed request instead of a hang).
 */
export const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost'];

/** kB / MB with the Angular CLI's rounding (powers of 1000, two decimals). */
export function formatSize(size) {
  if (size <= 0) return '0 bytes';
  const units = ['bytes', 'kB', 'MB', 'GB'];
  const index = Math.min(Math.floor(Math.log(size) / Math.log(1000)), units.length - 1);
  return `${(size / 1000 ** index).toFixed(index === 0 ? 0 : 2)} ${units[index]}`;
}
