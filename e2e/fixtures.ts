import { expect, Page, test as base } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import { totpCode } from '../dev-provider/totp.mjs';
import { E2E, TEST_USER, TestUser } from './environment';
import { ProviderFaults, ProviderStats } from './provider-faults';

export { ProviderFaults } from './provider-faults';

export { expect } from '@playwright/test';
export { E2E, OTHER_USER, TEST_USER } from './environment';

/**
 * Where page screenshots go: `npm run screenshots` points this at docs/screenshots for the README.
 * Unset (as in `npm test`), no screenshot is taken: each costs a full-page render and PNG encoding.
 */
const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'];

/**
 * Console errors that mean the page broke its policy. Chromium words Trusted Types violations
 * without "Content Security Policy": "This document requires 'TrustedHTML' assignment."
 */
export const POLICY_VIOLATION =
  /Content.Security.Policy|requires 'Trusted(HTML|Script|ScriptURL)' assignment|TrustedTypePolicy/i;

interface Fixtures {
  /** A page whose test fails on any uncaught error or Content-Security-Policy violation. */
  page: Page;
  /** A page signed in as the demo user, on /profile. */
  signedIn: Page;
  /**
   * The provider's fault switch, reset before and after each test: no faults, counters at zero and
   * the start-up signing key, so that no test depends on what ran before it.
   */
  faults: ProviderFaults;
  /**
   * The demo admin's authenticator app, for the provider's code page: `enter(page)` types the
   * current code. It comes with the `faults` reset, which lets every test use that code again.
   */
  authenticator: { enter: (page: Page, options?: { next?: boolean }) => Promise<void> };
}

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    // Chromium reports CSP violations on the console; the event also catches report-only ones.
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(
          `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
        ),
      ),
    );
    page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && POLICY_VIOLATION.test(message.text())) {
        problems.push(`CSP violation: ${message.text()}`);
      }
    });
    await use(page);
    expect(problems, 'page errors and CSP violations').toEqual([]);
  },
  faults: async ({}, use) => {
    const faults = new ProviderFaults();
    await faults.reset();
    await use(faults);
    await faults.reset();
  },
  authenticator: async ({ faults }, use) => {
    await use({ enter: (page, options) => enterTotpCode(page, options) });
    void faults; // set up (and so reset) before the test's first code
  },
  signedIn: async ({ page }, use) => {
    await page.goto('/profile');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await use(page);
  },
});

/** Fills in the hosted sign-in page (the browser must already be on it). */
export async function signInAtProvider(
  page: Page,
  user: TestUser,
  issuer: string = E2E.issuer,
): Promise<void> {
  await expect(page).toHaveURL((url) => url.href.startsWith(issuer));
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The provider's one-time code page (a step-up to two factors), answered as the demo admin's
 * authenticator app would: with the current code, or the next one (accepted a step early) when
 * the current one was used already, since each code is good for one sign-in only. The `faults`
 * fixture's reset lets every test use the current code again.
 */
export async function enterTotpCode(page: Page, { next = false } = {}): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Enter a code' })).toBeVisible();
  const time = Date.now() + (next ? 30_000 : 0);
  await page.getByLabel('Code').fill(totpCode(DEMO_USERS[0].totpSecret, { time }));
  await page.getByRole('button', { name: 'Verify' }).click();
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

/** Saves a full-page screenshot named after the page, for the README (see SCREENSHOT_DIR). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * The four checks of every refused sign-in: a clear message, no token kept, no redirect loop
 * (the provider counted `authorize` authorization requests in all), and a way to try again.
 */
export async function expectRefusedSignIn(
  page: Page,
  faults: ProviderFaults,
  message: RegExp,
  { authorize = 1 } = {},
): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(message);
  expect(new URL(page.url()).search, 'code and state are gone from the address bar').toBe('');
  expect(await storedTokens(page)).toEqual([]);
  await expectStableCount(faults, 'authorize', authorize);
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
}

/** A counter of the provider's: one of its request counts, or a function of its stats. */
export type ProviderCounter =
  Exclude<keyof ProviderStats, 'tokenGrants'> | ((stats: ProviderStats) => number);

/** How long a count must hold still to count as "no more requests are coming". */
export const STABLE_WINDOW_MS = 1_500;

/**
 * "No redirect loop", "no second exchange": the provider's `counter` reaches `expected` and then
 * holds it for a whole `windowMs`, read every 100-200 ms. A loop sends the browser back to the
 * provider within a few hundred milliseconds, so it shows up in the window; waiting for network idle
 * would not prove it (500 ms of quiet in one page says nothing of the next second, or other tabs).
 */
export async function expectStableCount(
  faults: ProviderFaults,
  counter: ProviderCounter,
  expected: number,
  { windowMs = STABLE_WINDOW_MS, what = typeof counter === 'string' ? counter : counter.name } = {},
): Promise<void> {
  const read = async () => {
    const stats = await faults.stats();
    return typeof counter === 'function' ? counter(stats) : stats[counter];
  };
  await expect.poll(read, { message: `${what} requests` }).toBe(expected);
  const seen: number[] = [];
  const until = Date.now() + windowMs;
  // Stops early as soon as the count moves; otherwise when the window is over.
  await expect
    .poll(
      async () => {
        seen.push(await read());
        return seen.at(-1) !== expected || Date.now() >= until;
      },
      { timeout: windowMs + 10_000, intervals: [100, 200] },
    )
    .toBe(true);
  expect(seen, `${what} requests over ${windowMs} ms (a loop adds more)`).toEqual(
    seen.map(() => expected),
  );
}

/** The provider's count of token requests with this grant type, for `expectStableCount`. */
export function tokenGrants(grantType: string): (stats: ProviderStats) => number {
  const count = (stats: ProviderStats) => stats.tokenGrants[grantType] ?? 0;
  return Object.defineProperty(count, 'name', { value: `${grantType} token` });
}

/** "Try again" starts a fresh flow that succeeds and returns to `returnTo`. */
export async function tryAgainAndSucceed(page: Page, returnTo: string): Promise<void> {
  await page.getByRole('button', { name: 'Try again' }).click();
  const signedIn = page.getByText(`Signed in as ${TEST_USER.name}`);
  // With an Okta session the provider answers at once; without one it shows its form.
  await expect(signedIn.or(page.getByLabel('Password'))).toBeVisible();
  if (!(await signedIn.isVisible())) await signInAtProvider(page, TEST_USER);
  await expect(signedIn).toBeVisible();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === returnTo);
}

/**
 * For a describe block on the short-lived-token provider: its fault switch, reset before and after
 * each test, and the page's clock installed, so that tests can move time to a renewal.
 */
export function useShortLivedProvider(): ProviderFaults {
  const faults = new ProviderFaults(E2E.shortIssuer);
  test.beforeEach(async ({ page }) => {
    await faults.reset();
    await page.clock.install();
  });
  test.afterEach(async () => {
    await faults.reset();
  });
  return faults;
}

/**
 * The ids of the DPoP key pairs okta-auth-js keeps in the origin's IndexedDB (`list`), or deletes
 * them all (`clear`), as clearing site data, or another tab's clearDPoPStorage(true), does.
 */
export async function dpopKeyPairs(
  page: Page,
  action: 'list' | 'clear' = 'list',
): Promise<string[]> {
  return page.evaluate(
    (clear) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('OktaAuthJs', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('DPoPKeys');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('DPoPKeys', 'readwrite').objectStore('DPoPKeys');
          const request = clear ? store.clear() : store.getAllKeys();
          request.onsuccess = () => {
            db.close();
            resolve(clear ? [] : (request.result as IDBValidKey[]).map(String));
          };
          request.onerror = () => reject(request.error);
        };
      }),
    action === 'clear',
  );
}

/**
 * Spends the session's refresh token from inside the page, as an injected script could: it signs
 * DPoP proofs with the page's own key pair (non-extractable, but usable by any script of the
 * origin; RFC 9449 §11.4), answers the nonce challenge, and resolves to the final status.
 */
export async function refreshInPage(page: Page, issuer: string): Promise<number> {
  return page.evaluate(
    async ({ tokenUrl, clientId }) => {
      const stored = JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}');
      const { refreshToken, dpopPairId } = stored.refreshToken;
      const keyPair = await new Promise<CryptoKeyPair>((resolve, reject) => {
        const open = indexedDB.open('OktaAuthJs', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('DPoPKeys').objectStore('DPoPKeys').get(dpopPairId);
          read.onsuccess = () => resolve(read.result as CryptoKeyPair);
          read.onerror = () => reject(read.error);
        };
      });
      const { kty, n, e } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
      const base64url = (bytes: Uint8Array) =>
        btoa(String.fromCharCode(...bytes))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const encode = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
      const proof = async (nonce: string | null) => {
        const claims = {
          htm: 'POST',
          htu: tokenUrl,
          iat: Math.floor(Date.now() / 1000),
          jti: crypto.randomUUID(),
          ...(nonce && { nonce }),
        };
        const input = `${encode({ alg: 'RS256', typ: 'dpop+jwt', jwk: { kty, n, e } })}.${encode(claims)}`;
        const signature = await crypto.subtle.sign(
          'RSASSA-PKCS1-v1_5',
          keyPair.privateKey,
          new TextEncoder().encode(input),
        );
        return `${input}.${base64url(new Uint8Array(signature))}`;
      };
      const post = async (nonce: string | null) =>
        fetch(tokenUrl, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            DPoP: await proof(nonce),
          },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: clientId,
            refresh_token: refreshToken,
          }),
        });
      const first = await post(null);
      const nonce = first.headers.get('DPoP-Nonce');
      return first.status === 400 && nonce ? (await post(nonce)).status : first.status;
    },
    { tokenUrl: `${issuer}/v1/token`, clientId: E2E.clientId },
  );
}
