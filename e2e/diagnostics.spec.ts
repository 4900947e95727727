import AxeBuilder from '@axe-core/playwright';
import { E2E, expect, signInAtProvider, test, TEST_USER } from './fixtures';

test.describe('the diagnostics page', () => {
  test('passes a well-set-up session, calls the API for real, and shows no token', async ({
    signedIn: page,
  }) => {
    await page.getByRole('link', { name: 'Check this session' }).click();
    await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
    const facts = page.locator('.facts li');
    await expect(facts.filter({ hasText: 'A real call to the API' })).toContainText(
      `${E2E.apiUrl}/api/messages accepted the token.`,
    );
    for (const title of [
      'Access token audience',
      'Refresh token',
      'Groups claim',
      "This browser's clock",
    ]) {
      await expect(facts.filter({ hasText: title })).toContainText('Pass');
    }
    await expect(facts.filter({ hasText: 'Token binding (DPoP)' })).toContainText('Pass');

    const text = (await page.locator('main').textContent()) ?? '';
    const tokens = await page.evaluate(() =>
      Object.values(JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}')),
    );
    for (const token of tokens as Record<string, string>[]) {
      for (const value of [token['accessToken'], token['idToken'], token['refreshToken']]) {
        if (value) expect(text).not.toContain(value);
      }
    }
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => v.id)).toEqual([]);

    await page.getByRole('button', { name: 'Renew now' }).click();
    await expect(page.getByRole('status')).toHaveText(/The refresh token rotated/);
  });

  test('names an org without a groups claim, with the fix and what /admin will do', async ({
    page,
    faults,
  }) => {
    // The ID token as an authorization server without a groups claim issues it.
    await faults.set({ idToken: { remove: ['groups'] } });
    await page.goto('/diagnostics');
    await signInAtProvider(page, TEST_USER);

    const groups = page.locator('.facts li').filter({ hasText: 'Groups claim' });
    await expect(groups).toContainText('Warning');
    await expect(groups).toContainText('/admin (group Admins) will always show the 403 page');
    await expect(groups).toContainText('Fix: Add a groups claim to the ID token');
  });
});
