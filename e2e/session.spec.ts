import { Page } from '@playwright/test';
import {
  E2E,
  expect,
  expectStableCount,
  OTHER_USER,
  refreshInPage,
  useShortLivedProvider,
  screenshot,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
  tokenGrants,
} from './fixtures';

/** Tokens as okta-auth-js keeps them in this tab's sessionStorage. */
async function storedAccessToken(page: Page): Promise<{ accessToken: string; expiresAt: number }> {
  return page.evaluate(() => {
    const tokens = JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}');
    return tokens.accessToken;
  });
}

async function storedRefreshToken(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}').refreshToken.refreshToken,
  );
}

const shortLived = E2E.originOf('shortLived');

/**
 * Moves the clock of every page in the context past an access token's lifetime, as a laptop that
 * slept would, and fires the timers that came due; `page.clock.install()` must have run first.
 * okta-auth-js dates access tokens by the page's clock (`expires_in` from now), so the app sees
 * its token expire, and the test does not wait out the provider's 35 seconds.
 */
async function outliveAccessToken(page: Page): Promise<void> {
  await page.clock.fastForward((E2E.accessTokenTtlSeconds + 1) * 1000);
}

test.describe('session lifetime', () => {
  const faults = useShortLivedProvider();

  test('renews the access token in the background and the API keeps working past its lifetime', async ({
    page,
  }) => {
    await page.goto(`${shortLived}/messages`);
    await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
    await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
    const first = await storedAccessToken(page);
    await outliveAccessToken(page);
    await expect
      .poll(async () => (await storedAccessToken(page)).accessToken)
      .not.toBe(first.accessToken);
    const current = await storedAccessToken(page);
    expect(current.expiresAt).toBeGreaterThan(await page.evaluate(() => Date.now() / 1000));
    // One renewal for one lapse: a token dated by the jumped clock must not look expired again.
    await expectStableCount(faults, tokenGrants('refresh_token'), 1);
    // The API sees the renewed token. (The API's own tests prove it refuses an expired one.)
    const apiCall = page.waitForRequest((request) => request.url().startsWith(E2E.shortApiUrl));
    await page.getByRole('button', { name: 'Refresh' }).click();
    expect((await apiCall).headers()['authorization']).toBe(`DPoP ${current.accessToken}`);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByText(/^Hello, /)).toBeVisible();
    expect((await faults.stats()).authorize, 'no new sign-in was needed').toBe(1);
  });

  for (const how of ['revoked', 'reused']) {
    test(`a ${how} refresh token ends in one clean sign-in back to the same page`, async ({
      page,
    }) => {
      await page.goto(`${shortLived}/messages?from=${how}`);
      await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
      await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
      const refreshToken = await storedRefreshToken(page);
      const form = { client_id: E2E.clientId, token: refreshToken, refresh_token: refreshToken };
      if (how === 'revoked') {
        await postForm(`${E2E.shortIssuer}/v1/revoke`, {
          ...form,
          token_type_hint: 'refresh_token',
        });
      } else {
        // Use it once with the page's own DPoP key (from outside, without the key, the provider
        // refuses it: e2e/dpop.spec.ts): rotation makes the app's copy a reused token, and the
        // provider then revokes the whole grant.
        expect(await refreshInPage(page, E2E.shortIssuer)).toBe(200);
      }
      // The next renewal fails; the app clears the tokens and signs in again exactly once.
      await outliveAccessToken(page);
      await expect.poll(async () => (await faults.stats()).authorize).toBe(2);
      await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
      await expect(page).toHaveURL(`${shortLived}/messages?from=${how}`);
      await expect(page.getByText(/^Hello, /)).toBeVisible();
      await expectStableCount(faults, 'authorize', 2);
    });
  }

  test('only one tab renews: two tabs stay signed in through several renewals', async ({
    page,
  }) => {
    await page.goto(`${shortLived}/profile`);
    await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    const second = await page.context().newPage();
    await second.goto(`${shortLived}/messages`);
    await expect(second.getByText(/^Hello, /)).toBeVisible();
    // With refresh-token rotation, two tabs renewing with the same token would get the grant
    // revoked (reuse detection), and both would be signed out. Both tabs' timers fire at once.
    for (const renewals of [1, 2]) {
      await outliveAccessToken(page);
      await expectStableCount(faults, tokenGrants('refresh_token'), renewals);
    }
    await second.getByRole('button', { name: 'Refresh' }).click();
    await expect(second.getByText(/^Hello, /)).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    expect((await faults.stats()).authorize).toBe(1);
  });
});

for (const variant of ['main', 'localStorage'] as const) {
  test.describe(`tabs (${variant === 'main' ? 'sessionStorage' : variant})`, () => {
    const app = E2E.originOf(variant);

    test('signing out in one tab signs out the others within 2 seconds', async ({
      page,
      faults,
    }) => {
      await page.goto(`${app}/profile`);
      await signInAtProvider(page, TEST_USER);
      await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
      const before = (await faults.stats()).authorize;
      const second = await page.context().newPage();
      await second.goto(`${app}/messages`);
      // The new tab has the session from the open one: no trip to Okta.
      await expect(second.getByText(/^Hello, /)).toBeVisible();
      expect((await faults.stats()).authorize).toBe(before);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(second.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible({
        timeout: 2_000,
      });
      await expect(second).toHaveURL(`${app}/`);
      expect(await storedTokens(second)).toEqual([]);
    });

    test('signing in in one tab shows in the others within 2 seconds', async ({ page }) => {
      const second = await page.context().newPage();
      await second.goto(`${app}/`);
      await expect(second.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
      await page.goto(`${app}/profile`);
      await signInAtProvider(page, TEST_USER);
      await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
      await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible({
        timeout: 2_000,
      });
    });
  });
}

test.describe('group-based access', () => {
  test('a member of the admin group sees the Admin link and reaches /admin, after a one-time code', async ({
    signedIn: page,
    authenticator,
  }) => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await authenticator.enter(page);
    await expect(page.getByRole('heading', { name: 'Admin' })).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: 'Admins' })).toBeVisible();
    await screenshot(page, 'admin');
  });

  test('a signed-in non-member gets a 403 page that says why, with no new sign-in', async ({
    page,
    faults,
  }) => {
    await page.goto('/profile');
    await signInAtProvider(page, OTHER_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    await page.goto('/admin');
    await expect(
      page.getByRole('heading', { name: "You don't have access to this page" }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('Admins');
    await expect(page.getByRole('alert')).toContainText(OTHER_USER.name);
    await expectStableCount(faults, 'authorize', 1);
    await screenshot(page, 'forbidden');
  });
});

test.describe('runtime configuration', () => {
  test('the same build signs in against a provider on another port', async ({ page }) => {
    await page.goto(`${shortLived}/profile`);
    await expect(page).toHaveURL((url) => url.href.startsWith(`${E2E.shortIssuer}/`));
    await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
    await expect(page.getByRole('row', { name: /^iss / })).toContainText(E2E.shortIssuer);
  });

  test('a bad config.json shows a clear page, not a blank one', async ({ page }) => {
    await page.goto(E2E.originOf('brokenConfig'));
    await expect(page.getByRole('heading', { name: 'The app could not start' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('Okta Admin Console');
    await screenshot(page, 'bad-config');
  });
});

async function postForm(url: string, form: Record<string, string>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  if (response.status >= 500) throw new Error(`${url} answered ${response.status}`);
}
