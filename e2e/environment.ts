import { DEMO_USERS } from '../dev-provider/accounts.mjs';

/**
 * Ports and settings of the e2e stacks. They differ from `npm start`'s defaults on purpose:
 * the app learns them only from its runtime configuration, never from code.
 *
 * Each Playwright worker has a whole stack of its own (providers, APIs, app servers), because the
 * provider's faults, counters and keys are per provider: two tests sharing one would see each
 * other's faults and requests. Stack n uses every base port + n × STACK_PORT_STEP, and a worker
 * finds its stack by its parallel index, which Playwright gives each of the workers running at once.
 */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// Above the app variants' largest offset (10), so that stack n + 1 starts past stack n's ports.
const STACK_PORT_STEP = 20;
/** How many stacks (and Playwright workers); E2E_WORKERS=1 runs the suite on one stack. */
export const E2E_WORKERS = Math.max(1, Math.floor(Number(process.env['E2E_WORKERS']) || 2));
const ACCESS_TOKEN_TTL_SECONDS = 35;
/** How late the slowOktaChunk variant sends the Okta chunk: long enough to watch a page without it. */
export const OKTA_CHUNK_DELAY_MS = 2_500;
const clientId = '0oae2etestclient0001';

/** The app's server variants; each serves the one production build with its own configuration. */
export type AppVariant =
  | 'main'
  | 'lookalike'
  | 'localStorage'
  | 'memory'
  | 'shortLived'
  | 'brokenConfig'
  | 'bearer'
  | 'idle'
  | 'stepUp'
  | 'unmetAcr'
  | 'slowOktaChunk';

/** Ports, origins and server settings of stack `index`. */
export function e2eStack(index: number) {
  const shift = index * STACK_PORT_STEP;
  const providerPort = port('E2E_PROVIDER_PORT', 3100) + shift;
  const apiPort = port('E2E_API_PORT', 8100) + shift;
  /** A second provider on another port, with 35-second access tokens, to watch renewal happen. */
  const shortProviderPort = providerPort + 1;
  const appPort = port('E2E_APP_PORT', 4300) + shift;

  const issuer = `http://localhost:${providerPort}/oauth2/default`;
  const shortIssuer = `http://localhost:${shortProviderPort}/oauth2/default`;
  const apiUrl = `http://localhost:${apiPort}`;
  const origin = (offset: number) => `http://localhost:${appPort + offset}`;

  /** One production build, served several times with different runtime configurations. */
  const APP_VARIANTS = {
    /** The defaults: tokens in sessionStorage. */
    main: { offset: 0, env: {} },
    /** Allow-lists an origin that is a string prefix of the API's ("http://localhost:81" vs ":8100"). */
    lookalike: {
      offset: 1,
      env: { API_ORIGINS: `http://localhost:${String(apiPort).slice(0, 2)}` },
    },
    localStorage: { offset: 2, env: { OKTA_TOKEN_STORAGE: 'localStorage' } },
    memory: { offset: 3, env: { OKTA_TOKEN_STORAGE: 'memory' } },
    /** The same build against the short-lived provider on another port: no rebuild needed. */
    shortLived: {
      offset: 4,
      env: {
        OKTA_ISSUER: shortIssuer,
        API_URL: `http://localhost:${apiPort + 1}`,
        // Tests here hold a renewal's answer at the provider while the user acts; a loaded machine
        // must not turn that into the app's request timeout (the stall tests use the main variant).
        OKTA_REQUEST_TIMEOUT_SECONDS: '15',
      },
    },
    /** A deployer's hand-written config.json with a bad issuer: the app must say so. */
    brokenConfig: { offset: 5, env: { APP_CONFIG_FILE: 'e2e/config/admin-console-issuer.json' } },
    /** DPoP off (OKTA_DPOP=false): unbound Bearer tokens, for an Okta app without DPoP. */
    bearer: { offset: 6, env: { OKTA_DPOP: 'false' } },
    /** The idle timeout at its shortest, 2 minutes: the warning comes after one. */
    idle: { offset: 7, env: { OKTA_IDLE_TIMEOUT_MINUTES: '2' } },
    /**
     * /admin asks only for a password sign-in, at most 20 s old: the API's own step-up challenge
     * (two factors) then asks for the code, and the short age shows a stale sign-in asked again.
     */
    stepUp: {
      offset: 8,
      env: { OKTA_ADMIN_ACR: 'urn:okta:loa:1fa:any', OKTA_ADMIN_MAX_AGE: '20' },
    },
    /** /admin asks for a phishing-resistant authenticator, which no demo user has. */
    unmetAcr: { offset: 9, env: { OKTA_ADMIN_ACR: 'phr' } },
    /**
     * The Okta chunk arrives OKTA_CHUNK_DELAY_MS late on every page load (the server holds it back
     * and lets no browser cache it): what a phone on a slow network sees of paint-first.
     */
    slowOktaChunk: {
      offset: 10,
      env: { SERVE_DELAY_OKTA_CHUNK_MS: String(OKTA_CHUNK_DELAY_MS) },
    },
  } as const satisfies Record<AppVariant, { offset: number; env: Record<string, string> }>;

  for (const [name, { offset }] of Object.entries(APP_VARIANTS)) {
    if (offset >= STACK_PORT_STEP) {
      throw new Error(
        `App variant ${name} would take the next stack's port: raise STACK_PORT_STEP.`,
      );
    }
  }
  const appOrigins = Object.values(APP_VARIANTS).map(({ offset }) => origin(offset));

  return {
    issuer,
    shortIssuer,
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    apiUrl,
    clientId,
    appOrigin: origin(0),
    originOf: (variant: AppVariant) => origin(APP_VARIANTS[variant].offset),
    /** The app gives up on a silent Okta after this long; the stall test waits for it. */
    requestTimeoutSeconds: 3,
    providerEnv: {
      DEV_PROVIDER_PORT: String(providerPort),
      DEV_PROVIDER_CLIENT_ID: clientId,
      DEV_PROVIDER_APP_ORIGINS: appOrigins.join(','),
      // The fault switch: only the test stack turns it on (see dev-provider/README.md).
      DEV_PROVIDER_FAULTS: 'on',
      // Okta's "Require DPoP header in token requests"; the DPoP-off tests relax it per test with
      // the dpopMode fault, so that one provider serves both kinds of app.
      DEV_PROVIDER_DPOP: 'required',
    },
    shortProviderEnv: {
      DEV_PROVIDER_PORT: String(shortProviderPort),
      DEV_PROVIDER_CLIENT_ID: clientId,
      DEV_PROVIDER_APP_ORIGINS: origin(APP_VARIANTS.shortLived.offset),
      DEV_PROVIDER_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
      DEV_PROVIDER_FAULTS: 'on',
      DEV_PROVIDER_DPOP: 'required',
    },
    apiEnv: {
      OKTA_ISSUER: issuer,
      // Only the test client's tokens; the route's default scopes, whatever the shell says.
      API_CLIENT_IDS: clientId,
      API_REQUIRED_SCOPES: '',
      API_PORT: String(apiPort),
      APP_ORIGINS: appOrigins.join(','),
      // Bound tokens need their proofs; unbound Bearer tokens pass too, for the DPoP-off variant.
      API_DPOP: 'allowed',
      // The API's own nonces (RFC 9449 §9), so that every API call exercises the app's retry.
      API_DPOP_NONCE: 'on',
    },
    /** The sample API for the short-lived provider's tokens. */
    shortApiEnv: {
      OKTA_ISSUER: shortIssuer,
      API_CLIENT_IDS: clientId,
      API_REQUIRED_SCOPES: '',
      API_PORT: String(apiPort + 1),
      APP_ORIGINS: origin(APP_VARIANTS.shortLived.offset),
      // Bound tokens only, as `npm start` runs it.
      API_DPOP: 'required',
      API_DPOP_NONCE: 'off',
      // The renewal tests move the page's clock ahead by a token lifetime or two (proofs are dated
      // by it), which a real clock does not do; the default window, 60 s, is kept by the main API.
      API_DPOP_IAT_WINDOW_SECONDS: '300',
    },
    shortApiUrl: `http://localhost:${apiPort + 1}`,
    appServers: Object.entries(APP_VARIANTS).map(([name, { offset, env }]) => ({
      name,
      origin: origin(offset),
      env: {
        OKTA_ISSUER: issuer,
        OKTA_CLIENT_ID: clientId,
        OKTA_SCOPES: 'openid profile email offline_access',
        OKTA_TOKEN_STORAGE: 'sessionStorage',
        OKTA_REQUEST_TIMEOUT_SECONDS: '3',
        OKTA_DPOP: 'true',
        OKTA_DPOP_ALLOW_BEARER: 'false',
        API_URL: apiUrl,
        APP_PORT: String(appPort + offset),
        // Nothing from the developer's shell may change what the test stack serves.
        APP_CONFIG_FILE: '',
        TLS_CERT_FILE: '',
        TLS_KEY_FILE: '',
        TRUST_PROXY: '',
        SERVE_DELAY_OKTA_CHUNK_MS: '',
        ...env,
      } as Record<string, string>,
    })),
  };
}

/** Every stack, for playwright.config.ts to start. */
export const E2E_STACKS = Array.from({ length: E2E_WORKERS }, (_, index) => e2eStack(index));

const workerIndex = Number(process.env['TEST_PARALLEL_INDEX'] ?? 0);
if (workerIndex >= E2E_WORKERS) {
  throw new Error(
    `Playwright worker ${workerIndex} has no e2e stack: set E2E_WORKERS rather than --workers.`,
  );
}

/** This worker's stack (stack 0 outside a worker). */
export const E2E = e2eStack(workerIndex);

export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly groups: readonly string[];
}

function testUser(user: (typeof DEMO_USERS)[number]): TestUser {
  return {
    username: user.email,
    password: process.env['DEV_PROVIDER_PASSWORD'] ?? user.password,
    name: user.name,
    groups: user.groups,
  };
}

/** In the Admins group. */
export const TEST_USER = testUser(DEMO_USERS[0]);
/** Not in the Admins group. */
export const OTHER_USER = testUser(DEMO_USERS[1]);
