import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { E2E, expect, OTHER_USER, signInAtProvider, test } from './fixtures';

/** Runs axe-core (WCAG 2.x A and AA rules, plus best practices) on the page as it is now. */
async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

test.describe('accessibility', () => {
  test('signed-out pages have no axe violations', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto('/login/callback?error=access_denied&error_description=Not%20assigned.');
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto('/profile');
    await expect(page.getByLabel('Password')).toBeVisible();
    await expectNoAxeViolations(page); // the hosted sign-in page
    await page.getByLabel('Username').fill('nobody@example.com');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolations(page); // ... with its error
  });

  test('signed-in pages have no axe violations', async ({ signedIn: page, authenticator }) => {
    await expectNoAxeViolations(page); // profile
    await page.getByRole('link', { name: 'Messages' }).click();
    await expect(page.getByText(/^Hello, /)).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Admin' }).click();
    await expect(page.getByRole('heading', { name: 'Enter a code' })).toBeVisible();
    await expectNoAxeViolations(page); // the provider's second-factor page
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolations(page); // ... with its error
    await authenticator.enter(page);
    await expect(page.getByRole('heading', { name: 'Admin' })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('the 403 and bad-configuration pages have no axe violations', async ({ page }) => {
    await page.goto('/profile');
    await signInAtProvider(page, OTHER_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await page.goto('/admin');
    await expect(
      page.getByRole('heading', { name: "You don't have access to this page" }),
    ).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto(E2E.originOf('brokenConfig'));
    await expect(page.getByRole('heading', { name: 'The app could not start' })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('sign-in works from the keyboard alone, with a visible focus', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    const signIn = page.getByRole('button', { name: 'Sign in with Okta' });
    for (
      let i = 0;
      i < 12 && !(await signIn.evaluate((el) => el === document.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    await expect(signIn).toBeFocused();
    const outline = await signIn.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Username')).toBeVisible();
    await page.getByLabel('Username').focus();
    await page.keyboard.type(OTHER_USER.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OTHER_USER.password);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  });

  test('the callback announces its progress and its errors', async ({ page, faults }) => {
    // A real refusal of this tab's own sign-in: a hand-made error link gets a generic message.
    await faults.set({ authorizeError: { error: 'access_denied' } });
    await page.goto('/profile');
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    // Screen readers announce changes inside a live region: the callback renders into one.
    const live = await alert.evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live'));
    expect(live).toBe('polite');
    await expect(page.getByRole('alert')).toContainText('Okta denied access');
  });
});
