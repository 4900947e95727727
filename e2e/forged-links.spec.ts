import { Page } from '@playwright/test';
import {
  expect,
  expectStableCount,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
  tokenGrants,
} from './fixtures';

/**
 * Links anyone can send: a callback "error" that no sign-in of this browser asked for, and a 403
 * page naming a group. None of their words may appear on our origin, and opening them must change
 * nothing: not a sign-in in progress, not the loop breaker.
 */

const ATTACKER_TEXT = 'Your account is locked. Call +1 555 0100 to unlock it.';
const FORGED_ERROR_LINK = `/login/callback?error=access_denied&error_description=${encodeURIComponent(ATTACKER_TEXT)}&state=forged-state`;
const GENERIC_MESSAGE =
  'This sign-in link did not come from this browser, so nothing was changed. If you were signing in, finish in the tab where you started, or use Try again.';

async function openForgedErrorLink(page: Page): Promise<void> {
  await page.goto(FORGED_ERROR_LINK);
  await expect(page.getByRole('alert')).toHaveText(GENERIC_MESSAGE);
}

test.describe('forged links', () => {
  test('a forged error link in a fresh browser shows a generic message, never its own words', async ({
    page,
    faults,
  }) => {
    await page.goto(FORGED_ERROR_LINK);
    await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText(GENERIC_MESSAGE);
    await expect(page.locator('body')).not.toContainText(ATTACKER_TEXT);
    expect(new URL(page.url()).search, 'the link is gone from the address bar').toBe('');
    await expectStableCount(faults, 'authorize', 0);
  });

  test('a forged error link opened in the tab of a pending sign-in leaves that sign-in working', async ({
    page,
    faults,
  }) => {
    await page.goto('/profile');
    await expect(page.getByLabel('Password')).toBeVisible();
    const providerPage = page.url();
    await openForgedErrorLink(page);
    await expect(page.locator('body')).not.toContainText(ATTACKER_TEXT);

    // Back to Okta's page of the sign-in this tab started, and finish it there.
    await page.goBack();
    await expect(page).toHaveURL(providerPage);
    await signInAtProvider(page, TEST_USER);

    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    // The one sign-in this tab started, finished with its one code: no new sign-in.
    await expectStableCount(faults, 'authorize', 1);
    await expectStableCount(faults, tokenGrants('authorization_code'), 1);
  });

  test('forged error links do not trip the loop breaker', async ({ page, faults }) => {
    for (let i = 0; i < 3; i++) await openForgedErrorLink(page);
    await expect(page.getByText('Sign-in failed twice in a row')).toHaveCount(0);
    await expectStableCount(faults, 'authorize', 0);

    // A guarded page still starts a sign-in instead of explaining that the app stopped trying.
    await page.goto('/profile');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    await expectStableCount(faults, 'authorize', 1);
    expect(await storedTokens(page)).toEqual(['sessionStorage:okta-token-storage']);
  });

  test('forged links without an error, in the tab of a pending sign-in, neither cancel it nor trip the loop breaker', async ({
    page,
    faults,
  }) => {
    await page.goto('/profile');
    await expect(page.getByLabel('Password')).toBeVisible();
    const providerPage = page.url();
    for (const link of [
      '/login/callback?code=x&state=forged',
      '/login/callback',
      '/login/callback?foo=1',
      '/login/callback?code=x',
    ]) {
      await page.goto(link);
      await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible();
      await expect(page.getByText('Sign-in failed twice in a row')).toHaveCount(0);
    }

    // Back to Okta's page of the sign-in this tab started: its transaction is still there.
    await page.goto(providerPage);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    await expectStableCount(faults, 'authorize', 1);
    await expectStableCount(faults, tokenGrants('authorization_code'), 1);
  });

  test('the 403 page shows no group name taken from its link', async ({ page }) => {
    const reflected = '<script>document.title="pwned"</script>Call +1 555 0100';
    await page.goto(`/forbidden?group=${encodeURIComponent(reflected)}`);
    await expect(
      page.getByRole('heading', { name: "You don't have access to this page" }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('members of the required group');
    await expect(page.locator('body')).not.toContainText('555 0100');
    await expect(page.locator('body')).not.toContainText('<script>');
    expect(await page.title()).not.toBe('pwned');
  });
});
