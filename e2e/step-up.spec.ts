import { Page } from '@playwright/test';
import {
  E2E,
  expect,
  expectStableCount,
  screenshot,
  signInAtProvider,
  test,
  TEST_USER,
} from './fixtures';

// Step-up: /admin's own requirement (OKTA_ADMIN_ACR, OKTA_ADMIN_MAX_AGE), the API's RFC 9470
// challenge, a stale sign-in, and a requirement the provider cannot meet. Codes come from the demo
// user's TOTP secret, as an authenticator app computes them (the authenticator fixture).

const adminLink = (page: Page) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' });
const auditEvent = (page: Page) => page.getByRole('cell', { name: /opened the audit log\.$/ });

/** How old the session's authentication is, in seconds: now minus the ID token's auth_time. */
function authenticationAge(page: Page): Promise<number> {
  return page.evaluate(() => {
    const stored = JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}') as {
      idToken?: { claims?: { auth_time?: number } };
    };
    const authTime = stored.idToken?.claims?.auth_time;
    return authTime === undefined ? -1 : Date.now() / 1000 - authTime;
  });
}

test.describe('step-up', () => {
  test('/admin asks a signed-in admin for a one-time code, then opens on the same page with the audit log', async ({
    signedIn: page,
    faults,
    authenticator,
  }) => {
    const { authorize: signedIn } = await faults.stats();
    await adminLink(page).click();
    await expect(page.getByRole('heading', { name: 'Enter a code' })).toBeVisible();
    await screenshot(page, 'second-factor');
    await authenticator.enter(page);

    await expect(page.getByRole('heading', { name: 'Admin' })).toBeVisible();
    await expect(page).toHaveURL(`${E2E.appOrigin}/admin`);
    await expect(page.getByTestId('sign-in-strength')).toContainText(
      'With your password and a one-time code',
    );
    await expect(auditEvent(page)).toBeVisible();
    // One more trip to the provider for the step-up, and no other.
    await expectStableCount(faults, 'authorize', signedIn + 1);

    // The stronger session stays: /admin opens again without another trip.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Profile' })
      .click();
    await adminLink(page).click();
    await expect(auditEvent(page)).toBeVisible();
    await expectStableCount(faults, 'authorize', signedIn + 1);
  });

  test('the stronger session reaches a tab opened before the step-up', async ({
    signedIn: page,
    faults,
    authenticator,
  }) => {
    const { authorize: signedIn } = await faults.stats();
    const other = await page.context().newPage();
    await other.goto(`${E2E.appOrigin}/profile`);
    await expect(other.getByRole('heading', { name: 'Profile' })).toBeVisible();

    await adminLink(page).click();
    await authenticator.enter(page);
    await expect(auditEvent(page)).toBeVisible();

    await adminLink(other).click();
    await expect(auditEvent(other)).toBeVisible();
    await expect(other.getByTestId('sign-in-strength')).toContainText('one-time code');
    await expectStableCount(faults, 'authorize', signedIn + 1);
  });

  test("the API's step-up challenge is met: a one-time code, then the audit log loads on the same page", async ({
    page,
    faults,
    authenticator,
  }) => {
    // On this variant /admin itself asks for the password only; the audit API asks for two factors.
    const app = E2E.originOf('stepUp');
    await page.goto(`${app}/admin`);
    await signInAtProvider(page, TEST_USER);
    await authenticator.enter(page);

    await expect(page).toHaveURL(`${app}/admin`);
    await expect(auditEvent(page)).toBeVisible();
    await expect(page.getByTestId('sign-in-strength')).toContainText('one-time code');
    // Sign-in, /admin's own step-up (met by the session at once), the API's: then nothing more.
    await expectStableCount(faults, 'authorize', 3);
  });

  test('a stale sign-in is asked again: past the maximum age, /admin wants the password again', async ({
    page,
    authenticator,
  }) => {
    // It waits out the variant's 20-second maximum age on purpose.
    test.slow();
    const app = E2E.originOf('stepUp');
    await page.goto(`${app}/admin`);
    await signInAtProvider(page, TEST_USER);
    await authenticator.enter(page);
    await expect(auditEvent(page)).toBeVisible();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Profile' })
      .click();
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();

    // The variant's maximum age is 20 s (whole seconds, the limit itself still fresh): wait for
    // the authentication to be clearly older than that.
    await expect.poll(() => authenticationAge(page), { timeout: 40_000 }).toBeGreaterThan(22);
    await adminLink(page).click();

    await expect(page.getByLabel('Password')).toBeVisible();
    await signInAtProvider(page, TEST_USER);
    await authenticator.enter(page, { next: true });
    await expect(page).toHaveURL(`${app}/admin`);
    await expect(auditEvent(page)).toBeVisible();
  });

  test('a requirement the provider cannot meet ends on a clear page with a way back, without looping', async ({
    page,
    faults,
  }) => {
    const app = E2E.originOf('unmetAcr');
    await page.goto(`${app}/admin`);
    await signInAtProvider(page, TEST_USER);

    await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText(
      /^Okta could not verify you as strongly as this page needs/,
    );
    expect(new URL(page.url()).search).toBe('');
    await expectStableCount(faults, 'authorize', 2);
    // The password session is still there: the rest of the app works.
    await page.goto(`${app}/profile`);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expectStableCount(faults, 'authorize', 2);
  });
});
