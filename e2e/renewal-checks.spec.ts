import { Page } from '@playwright/test';
import {
  E2E,
  expect,
  expectStableCount,
  useShortLivedProvider,
  signInAtProvider,
  storedTokens,
  test,
  tokenGrants,
  TEST_USER,
} from './fixtures';

const app = E2E.originOf('shortLived');
const returnTo = `${app}/messages?from=renewal`;

/**
 * Renewal against a provider that answers the refresh token grant with a bad ID token. On the
 * short-lived stack access tokens live 35 seconds and the app renews them 30 seconds early; the
 * tests move the page's clock to that moment. After a new sign-in the next renewal comes no sooner
 * than 5 seconds: a window of 4 seconds after a renewal sees only what that renewal caused.
 */
test.describe('renewal checks', () => {
  test.describe.configure({ timeout: 60_000 });
  const RENEWAL_WINDOW_MS = 4_000;
  const faults = useShortLivedProvider();

  async function signIn(page: Page): Promise<void> {
    await page.goto(returnTo);
    await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
    await expect(page.getByText(/^Hello, /)).toBeVisible();
  }

  /**
   * Moves the clock of the context's pages to the access token's renewal time, 30 seconds before it
   * expires, as time would: okta-auth-js's expiry timer fires and the app renews, without the test
   * waiting the 5 seconds. The clock then runs on normally.
   */
  async function reachRenewalTime(page: Page): Promise<void> {
    await page.clock.fastForward((E2E.accessTokenTtlSeconds - 30 + 1) * 1000);
  }

  /** Resolves as soon as the provider has had the first renewal (the window starts then). */
  async function firstRenewal(): Promise<void> {
    await expect
      .poll(async () => (await faults.stats()).tokenGrants['refresh_token'], {
        timeout: 20_000,
        intervals: [50],
      })
      .toBeGreaterThanOrEqual(1);
  }

  const cases: [string, Record<string, unknown>][] = [
    ['no exp', { remove: ['exp'] }],
    // Within okta-auth-js's clock skew, so it accepts the token; it would be due again at once.
    ['an exp in the past', { set: { exp: 'now-60', iat: 'now-80' } }],
    ['exp "soon"', { set: { exp: 'soon' } }],
    // OpenID Connect Core §12.2: a renewal continues the same user's session.
    ['another user (sub)', { set: { sub: '00u-someone-else' } }],
  ];

  for (const [what, idToken] of cases) {
    test(`a renewal whose ID token has ${what} ends the session: one clean sign-in, no storm of token requests`, async ({
      page,
    }) => {
      await signIn(page);
      await faults.set({ tokenGrant: 'refresh_token', idToken });

      await reachRenewalTime(page);
      await firstRenewal();
      // One bad answer is enough: from now on the provider answers well, so every further token
      // request is the app's own doing.
      await faults.set({});
      // One refresh token request, and no more, over the window after it (the storm this replaces
      // sent more than 1,000 in 20 seconds).
      await expectStableCount(faults, tokenGrants('refresh_token'), 1, {
        windowMs: RENEWAL_WINDOW_MS,
      });
      // The session ended, and the app signed in again once (silently: the Okta session lives),
      // back to the same page.
      await expect.poll(async () => (await faults.stats()).authorize).toBe(2);
      await expect(page).toHaveURL(returnTo);
      await expect(page.getByText(/^Hello, /)).toBeVisible();
      expect((await faults.stats()).tokenGrants['authorization_code']).toBe(2);
    });
  }

  test('when the session that sign-in brought fails its renewal too, the app stops and explains', async ({
    page,
  }) => {
    await signIn(page);
    await faults.set({ tokenGrant: 'refresh_token', idToken: { remove: ['exp'] } });
    await reachRenewalTime(page);
    await firstRenewal();
    await expectStableCount(faults, 'authorize', 2);
    await expect(page.getByText(/^Hello, /)).toBeVisible();

    await reachRenewalTime(page);

    await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByRole('alert')).toContainText('failed a security check');
    await expect(page.getByRole('alert')).toContainText('the ID token has no usable expiry time');
    await expectStableCount(faults, tokenGrants('refresh_token'), 2, {
      windowMs: RENEWAL_WINDOW_MS,
    });
    expect((await faults.stats()).authorize, 'no third sign-in').toBe(2);
    expect(await storedTokens(page)).toEqual([]);
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  });
});
