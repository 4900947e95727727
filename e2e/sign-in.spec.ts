import {
  E2E,
  expect,
  screenshot,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
} from './fixtures';

test.describe('sign-in', () => {
  test('the home page is public and offers a way in', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Okta + Angular reference app' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expect(page.getByText('Not signed in')).toBeVisible();
    await screenshot(page, 'home');
  });

  test('redirects an anonymous visitor to Okta and back to the exact page they asked for', async ({
    page,
  }) => {
    await page.goto('/profile?tab=claims');
    await expect(page).toHaveURL((url) => url.href.startsWith(`${E2E.issuer}/`));
    await expect(page.getByRole('heading', { name: 'Sign In' })).toBeVisible();
    await screenshot(page, 'okta-sign-in');

    await page.getByLabel('Username').fill(TEST_USER.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('Unable to sign in');
    await screenshot(page, 'okta-sign-in-error');

    await signInAtProvider(page, TEST_USER);
    await expect(page).toHaveURL(`${E2E.appOrigin}/profile?tab=claims`);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    await expect(page.getByRole('row', { name: /^email / })).toContainText(TEST_USER.username);
    await expect(page.getByRole('row', { name: /^iss / })).toContainText(E2E.issuer);
    await expect(page.getByRole('row', { name: /^aud / })).toContainText(E2E.clientId);
    await expect(page.getByRole('row', { name: /^groups / })).toContainText(TEST_USER.groups[0]);
    await screenshot(page, 'profile');
  });

  test('keeps the session across a reload', async ({ signedIn: page }) => {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    expect(page.url()).toBe(`${E2E.appOrigin}/profile`);
  });

  test('keeps tokens out of the address bar and out of localStorage', async ({
    signedIn: page,
  }) => {
    expect(page.url()).not.toContain('code=');
    const tokens = await storedTokens(page);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((entry) => entry.startsWith('sessionStorage:'))).toBe(true);
  });
});
