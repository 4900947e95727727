import { BrowserContext, Page } from '@playwright/test';
import {
  E2E,
  expect,
  useShortLivedProvider,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
} from './fixtures';

const app = E2E.originOf('shortLived');

/** The tokens every page of `context` sends to the provider's /v1/revoke. */
function watchRevocations(context: BrowserContext): { readonly tokens: Set<string> } {
  const tokens = new Set<string>();
  context.on('request', (request) => {
    if (request.method() !== 'POST' || request.url() !== `${E2E.shortIssuer}/v1/revoke`) return;
    const token = new URLSearchParams(request.postData() ?? '').get('token');
    if (token) tokens.add(token);
  });
  return { tokens };
}

/** Refresh tokens are opaque; access tokens are JWTs. */
const refreshTokensIn = (tokens: Set<string>) => [...tokens].filter((token) => !/^eyJ/.test(token));

async function storedRefreshToken(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}').refreshToken.refreshToken,
  );
}

/**
 * Sign-out racing a renewal. The provider holds the answer to the refresh token grant (`tokenHold`:
 * the grant is made, so a new refresh token exists, but its answer waits) until the test releases
 * it, after the sign-out. The short-lived variant gives up on a request after 15 seconds, so each
 * test releases the answer well within that, even on a loaded machine.
 */
test.describe('sign-out races', () => {
  test.describe.configure({ timeout: 60_000 });
  const faults = useShortLivedProvider();

  async function signIn(page: Page, path: string): Promise<string> {
    await page.goto(`${app}${path}`);
    await signInAtProvider(page, TEST_USER, E2E.shortIssuer);
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    // The header shows the session while the callback is still on its way to the page; a sign-out
    // before that navigation ends would meet the page's guard (a new sign-in), not this race.
    await expect(page).toHaveURL(`${app}${path}`);
    return storedRefreshToken(page);
  }

  /** Starts a renewal whose answer the provider holds; resolves once it is at the provider. */
  async function holdNextRenewal(page: Page): Promise<void> {
    await faults.set({ tokenGrant: 'refresh_token', tokenHold: true });
    // The renewal time of the 35-second access token, 30 seconds before it expires, on the clock
    // of every page of the context: the renewing tab's expiry timer fires at once.
    await page.clock.fastForward((E2E.accessTokenTtlSeconds - 30 + 1) * 1000);
    await expect
      .poll(async () => (await faults.stats()).heldTokenAnswers, {
        timeout: 20_000,
        intervals: [50],
      })
      .toBe(1);
  }

  async function expectSignedOutTab(page: Page): Promise<void> {
    const later = await page.context().newPage();
    await later.goto(`${app}/`);
    await expect(later.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(await storedTokens(later)).toEqual([]);
  }

  test('a renewal answer that arrives after sign-out is dropped, and the refresh token it brought is revoked', async ({
    page,
  }) => {
    const revoked = watchRevocations(page.context());
    const signedInRefreshToken = await signIn(page, '/profile');
    await holdNextRenewal(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    // The tokens go at once, whatever is still on its way.
    await expect.poll(() => storedTokens(page), { intervals: [50] }).toEqual([]);
    expect(await faults.release()).toBe(1);

    await expect(page).toHaveURL(`${app}/`);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(await storedTokens(page)).toEqual([]);
    const late = refreshTokensIn(revoked.tokens).filter((token) => token !== signedInRefreshToken);
    expect(refreshTokensIn(revoked.tokens)).toContain(signedInRefreshToken);
    expect(late, 'the refresh token the late renewal brought, revoked').toHaveLength(1);
    expect((await faults.stats()).tokenGrants['refresh_token']).toBe(1);
    await expectSignedOutTab(page);
  });

  test('signing out in another tab while the renewing tab waits for its answer leaves nothing of it anywhere', async ({
    page,
  }) => {
    const revoked = watchRevocations(page.context());
    const signedInRefreshToken = await signIn(page, '/profile');
    // Opened second, this tab gets the session from the first, which holds the renewal lock.
    const second = await page.context().newPage();
    await second.goto(`${app}/messages`);
    await expect(second.getByText(/^Hello, /)).toBeVisible();
    await holdNextRenewal(page);

    await second.getByRole('button', { name: 'Sign out' }).click();
    // The renewing tab hears of it at once: it leaves its page and keeps no token.
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible({
      timeout: 2_000,
    });
    expect(await faults.release()).toBe(1);

    // Its answer, when it comes, is dropped, and what it brought is revoked.
    await expect
      .poll(() => refreshTokensIn(revoked.tokens).filter((token) => token !== signedInRefreshToken))
      .toHaveLength(1);
    await expect(second).toHaveURL(`${app}/`);
    expect(await storedTokens(page)).toEqual([]);
    expect(await storedTokens(second)).toEqual([]);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expectSignedOutTab(page);
    expect((await faults.stats()).authorize, 'nobody signed in again').toBe(1);
  });
});
