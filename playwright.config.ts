import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { E2E, E2E_STACKS, E2E_WORKERS, e2eStack } from './e2e/environment';

/**
 * End-to-end tests: the production build, the sample API and the embedded Okta-compatible
 * provider, all on loopback ports of their own (so a running `npm start` is left alone).
 * Each worker gets a whole stack of these servers (e2e/environment.ts), so tests run in parallel
 * without seeing each other's provider faults and counters.
 */
const node = process.execPath;

/** Every server of one stack, named after it when there is more than one. */
function stackServers(stack: ReturnType<typeof e2eStack>, index: number) {
  const name = (server: string) => (E2E_WORKERS > 1 ? `${server} #${index}` : server);
  const server = (label: string, entry: string, url: string, env: Record<string, string>) => ({
    name: name(label),
    command: node,
    args: [entry],
    url,
    env,
  });
  return [
    server(
      'provider',
      'dev-provider/server.mjs',
      `${stack.issuer}/.well-known/openid-configuration`,
      stack.providerEnv,
    ),
    server(
      'provider (short-lived tokens)',
      'dev-provider/server.mjs',
      `${stack.shortIssuer}/.well-known/openid-configuration`,
      stack.shortProviderEnv,
    ),
    server('api', 'api/server.mjs', `${stack.apiUrl}/api/health`, stack.apiEnv),
    server(
      'api (short-lived tokens)',
      'api/server.mjs',
      `${stack.shortApiUrl}/api/health`,
      stack.shortApiEnv,
    ),
    ...stack.appServers.map(({ name: variant, origin, env }) =>
      server(`app (${variant})`, 'scripts/serve.mjs', `${origin}/config.json`, env),
    ),
  ];
}

export default defineConfig({
  testDir: 'e2e',
  // Tests, not files, are shared out: every test starts from a fresh context and resets the
  // provider of its worker's stack, so none depends on another running before it.
  fullyParallel: true,
  workers: E2E_WORKERS,
  // A focused test would make every other test silently not run; lint also refuses it.
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    // This file is evaluated again in each worker, where E2E is that worker's stack.
    baseURL: E2E.appOrigin,
    // Recording a trace (DOM snapshots of every action) costs about a third of the suite's CPU
    // time, for every test, to help with the few that fail: run `npx playwright test --trace on`
    // to get one. A failure still leaves a screenshot and the page's accessibility snapshot.
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  // Every stack's servers in one launcher, which starts them side by side (Playwright would start
  // them one by one) and fails if any of them stops or finds its port taken.
  webServer: {
    name: 'e2e servers',
    command: `"${node}" scripts/run-servers.mjs`,
    env: { RUN_SERVERS: JSON.stringify(E2E_STACKS.flatMap(stackServers)) },
    wait: { stdout: /^All servers answer\.$/m },
    timeout: 60_000,
  },
});
