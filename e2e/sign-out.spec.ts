import { E2E, expect, screenshot, storedTokens, test } from './fixtures';

test.describe('sign-out', () => {
  test('ends the Okta session, clears every token and asks for sign-in again', async ({
    signedIn: page,
  }) => {
    const logout = page.waitForRequest((request) =>
      request.url().startsWith(`${E2E.issuer}/v1/logout?`),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    const logoutUrl = new URL((await logout).url());
    expect(logoutUrl.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(E2E.appOrigin);

    await expect(page).toHaveURL(`${E2E.appOrigin}/`);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(await storedTokens(page)).toEqual([]);

    // The Okta session is gone too: a guarded page shows the sign-in form, not an instant SSO.
    await page.goto('/messages');
    await expect(page).toHaveURL((url) => url.href.startsWith(`${E2E.issuer}/`));
    await expect(page.getByLabel('Password')).toBeVisible();
    await screenshot(page, 'signed-out');
  });
});
