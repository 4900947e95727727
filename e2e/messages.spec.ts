import { expect, screenshot, test } from './fixtures';

test.describe('messages', () => {
  test('shows the messages the protected API returns for the signed-in user', async ({
    signedIn: page,
  }) => {
    const apiCall = page.waitForRequest((request) => request.url().endsWith('/api/messages'));
    await page.getByRole('link', { name: 'Messages' }).click();
    await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
    expect((await apiCall).headers()['authorization']).toMatch(/^Bearer eyJ/);
    await expect(page.getByRole('listitem').first()).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await screenshot(page, 'messages');
  });
});
