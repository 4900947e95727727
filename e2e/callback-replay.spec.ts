import { Browser, Page } from '@playwright/test';
import {
  E2E,
  expect,
  expectRefusedSignIn,
  expectStableCount,
  signInAtProvider,
  test,
  TEST_USER,
  tokenGrants,
  tryAgainAndSucceed,
} from './fixtures';

const CALLBACK = `${E2E.appOrigin}/login/callback?`;

/**
 * Signs in from a separate browser but stops at the redirect back to the app, so the code is
 * never used; returns the callback URL that carries it.
 */
async function unusedCallbackUrl(browser: Browser): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Only the app's own callback is blocked; the provider is real.
  await page.route(
    (url) => url.href.startsWith(CALLBACK),
    (route) => route.abort(),
  );
  const callback = page.waitForRequest((request) => request.url().startsWith(CALLBACK));
  await page.goto(`${E2E.appOrigin}/profile`);
  await signInAtProvider(page, TEST_USER);
  const url = (await callback).url();
  await context.close();
  return url;
}

async function signInRememberingCallback(page: Page): Promise<string> {
  const callback = page.waitForRequest((request) => request.url().startsWith(CALLBACK));
  await page.goto('/profile');
  await signInAtProvider(page, TEST_USER);
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  return (await callback).url();
}

test.describe('callback replay', () => {
  test('refuses a code from another session (PKCE verifier mismatch)', async ({
    browser,
    page,
    faults,
  }) => {
    const foreign = new URL(await unusedCallbackUrl(browser));
    // This browser starts a sign-in of its own: its own state, nonce and code verifier.
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${E2E.issuer}/v1/authorize`));
    await page.goto('/profile');
    await expect(page.getByLabel('Password')).toBeVisible();
    const state = new URL((await authorize).url()).searchParams.get('state') ?? '';
    await page.goto(`/login/callback?code=${foreign.searchParams.get('code')}&state=${state}`);
    await expectRefusedSignIn(page, faults, /did not accept this sign-in/, { authorize: 2 });
    expect((await faults.stats()).tokenGrants['authorization_code']).toBe(1);
    await tryAgainAndSucceed(page, '/profile');
  });

  test('opening a callback URL in a fresh browser explains and exchanges nothing', async ({
    browser,
    page,
    faults,
  }) => {
    await page.goto(await unusedCallbackUrl(browser));
    await expectRefusedSignIn(page, faults, /started in another tab or has expired/);
    expect((await faults.stats()).token).toBe(0);
  });

  test('Back and Reload after sign-in never exchange the code again', async ({ page, faults }) => {
    await signInRememberingCallback(page);
    await page.goBack();
    await page.goForward();
    await page.reload();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    await expectStableCount(faults, tokenGrants('authorization_code'), 1);
  });

  test('replaying the callback URL in a second tab exchanges nothing and signs nobody out', async ({
    page,
    faults,
  }) => {
    const callbackUrl = await signInRememberingCallback(page);
    const second = await page.context().newPage();
    await second.goto(callbackUrl);
    await expect(second.getByRole('alert')).toHaveText(/started in another tab or has expired/);
    await page.reload();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    // Still the first sign-in: no second exchange, and no new trip to Okta to get back in.
    const stats = await faults.stats();
    expect(stats.tokenGrants['authorization_code']).toBe(1);
    expect(stats.authorize).toBe(1);
  });

  test('two tabs signing in at once both finish, each with its own transaction', async ({
    page,
    faults,
  }) => {
    const second = await page.context().newPage();
    await page.goto('/profile');
    await second.goto('/messages');
    await signInAtProvider(page, TEST_USER);
    await signInAtProvider(second, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(second.getByRole('heading', { name: 'Messages' })).toBeVisible();
    const stats = await faults.stats();
    expect(stats.authorize).toBe(2);
    expect(stats.tokenGrants['authorization_code']).toBe(2);
  });
});
