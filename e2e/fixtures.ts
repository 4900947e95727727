import { expect, Page, test as base } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E, TEST_USER, TestUser } from './environment';

export { expect } from '@playwright/test';
export { E2E, TEST_USER } from './environment';

/** Where page screenshots go; `npm run screenshots` points this at docs/screenshots for the README. */
const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'] ?? 'test-results/screenshots';

interface Fixtures {
  /** A page whose test fails on any uncaught error or Content-Security-Policy violation. */
  page: Page;
  /** A page signed in as the demo user, on /profile. */
  signedIn: Page;
}

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) {
        problems.push(`CSP violation: ${message.text()}`);
      }
    });
    await use(page);
    expect(problems, 'page errors and CSP violations').toEqual([]);
  },
  signedIn: async ({ page }, use) => {
    await page.goto('/profile');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await use(page);
  },
});

/** Fills in the hosted sign-in page (the browser must already be on it). */
export async function signInAtProvider(page: Page, user: TestUser): Promise<void> {
  await expect(page).toHaveURL((url) => url.href.startsWith(E2E.issuer));
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every browser-storage entry of the app's origin that still holds a token. */
export async function storedTokens(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        const value = storage.getItem(key) ?? '';
        // JWTs start with a base64url-encoded '{"' (eyJ); okta-auth-js names its token entries.
        if (/eyJ[\w-]+\.[\w-]+/.test(value) || /"(accessToken|idToken|refreshToken)"/.test(value)) {
          found.push(`${name}:${key}`);
        }
      }
    }
    return found;
  });
}

/** Saves a full-page screenshot named after the page, for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
