import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { E2E } from './e2e/environment';

/**
 * End-to-end tests: the production build, the sample API and the embedded Okta-compatible
 * provider, all on loopback ports of their own (so a running `npm start` is left alone).
 */
const node = process.execPath;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    baseURL: E2E.appOrigin,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      name: 'provider',
      command: `"${node}" dev-provider/server.mjs`,
      url: `${E2E.issuer}/.well-known/openid-configuration`,
      env: E2E.providerEnv,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      name: 'provider (short-lived tokens)',
      command: `"${node}" dev-provider/server.mjs`,
      url: `${E2E.shortIssuer}/.well-known/openid-configuration`,
      env: E2E.shortProviderEnv,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      name: 'api',
      command: `"${node}" api/server.mjs`,
      url: `${E2E.apiUrl}/api/health`,
      env: E2E.apiEnv,
      reuseExistingServer: false,
    },
    {
      name: 'api (short-lived tokens)',
      command: `"${node}" api/server.mjs`,
      url: `${E2E.shortApiUrl}/api/health`,
      env: E2E.shortApiEnv,
      reuseExistingServer: false,
    },
    ...E2E.appServers.map(({ name, origin, env }) => ({
      name: `app (${name})`,
      command: `"${node}" scripts/serve.mjs`,
      url: `${origin}/config.json`,
      env,
      reuseExistingServer: false,
    })),
  ],
});
