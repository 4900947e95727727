import { expect, screenshot, test } from './fixtures';

test.describe('error pages', () => {
  test('an unknown address shows a not-found page with a way home', async ({ page }) => {
    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await screenshot(page, 'not-found');
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await expect(page.getByRole('heading', { name: 'Okta + Angular reference app' })).toBeVisible();
  });

  test('an error sent back by Okta is shown as text with a way to try again', async ({
    page,
    faults,
  }) => {
    // A real answer to this tab's sign-in: forged error links get a generic message instead.
    await faults.set({
      authorizeError: {
        error: 'access_denied',
        description: 'User is not assigned to the client application.',
      },
    });
    await page.goto('/profile');
    await expect(page.getByRole('heading', { name: 'Sign-in did not complete' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText(
      'User is not assigned to the client application.',
    );
    await expect(page).toHaveURL(/\/login\/callback$/);
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await screenshot(page, 'callback-error');
  });

  test('opening the callback without a sign-in in progress explains what to do', async ({
    page,
  }) => {
    await page.goto('/login/callback');
    await expect(page.getByRole('alert')).toContainText('There is no sign-in to finish here');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByLabel('Password')).toBeVisible();
  });
});
