import { expect, screenshot, TEST_USER, test } from './fixtures';

test.describe('messages', () => {
  test('shows the messages the protected API returns for the signed-in user', async ({
    signedIn: page,
  }) => {
    // The API's first answer is its DPoP nonce challenge (401); the app retries once with the nonce.
    const apiCall = page.waitForResponse(
      (response) => response.url().endsWith('/api/messages') && response.status() !== 401,
    );
    await page.getByRole('link', { name: 'Messages' }).click();
    await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
    const response = await apiCall;
    expect(response.request().headers()['authorization']).toMatch(/^DPoP eyJ/);
    expect(response.request().headers()['dpop']).toMatch(/^eyJ/);
    // The API accepted the app's own token: its client (cid) and scopes (scp) are the ones it needs.
    expect(response.status()).toBe(200);
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await screenshot(page, 'messages');
  });
});
