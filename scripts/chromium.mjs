// Finds the Chromium that Karma and Playwright drive: CHROME_BIN, then the system's, then
// Playwright's own download. Never downloads anything itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** Flags for a headless Chromium that must not reach the network (DEVELOPERS.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(env = process.env) {
  if (env.CHROME_BIN) {
    if (existsSync(env.CHROME_BIN)) return env.CHROME_BIN;
    throw new Error(`CHROME_BIN is set to ${env.CHROME_BIN}, but there is no such file.`);
  }
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return system;
  const bundled = playwrightChromium();
  if (bundled) return bundled;
  throw new Error(
    'No Chromium found: install it (Debian/Ubuntu: "sudo apt-get install chromium"; elsewhere: ' +
      '"npx playwright install chromium") or set CHROME_BIN to a Chrome or Chromium binary.',
  );
}

function playwrightChromium() {
  try {
    const { chromium } = createRequire(import.meta.url)('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
