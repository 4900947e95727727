// Cases a hostile review of the browser side of DPoP (RFC 9449) found, each failing before its fix.
// See also src/app/auth/dpop-hardening.spec.ts.
import { dpopKeyPairs, E2E, expect, signInAtProvider, test, TEST_USER } from './fixtures';

test.describe('DPoP key pairs: none left behind, none missing', () => {
  test('with memory storage, a reload that signs in again does not leave the old key pair behind', async ({
    page,
  }) => {
    const app = E2E.originOf('memory');
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect.poll(() => dpopKeyPairs(page)).toHaveLength(1);

    // Memory keeps nothing across a reload: the guard signs in again (Okta session) with a new key.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();

    // The first pair's tokens are gone with the old page; only this tab's session needs a key.
    // The sweep runs after the sign-in, in the background: wait for it (a pair it misses stays).
    await expect.poll(() => dpopKeyPairs(page)).toHaveLength(1);
  });

  test('when the key pair is gone mid-session, the app signs in again once and gets a new one', async ({
    page,
    faults,
  }) => {
    await page.goto('/messages');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();
    const before = await dpopKeyPairs(page);

    await dpopKeyPairs(page, 'clear');
    await page.getByRole('button', { name: 'Refresh' }).click();

    // The tokens are useless without their key: the session ends, and the guarded page signs in
    // again (silently, with the Okta session) with a new key, instead of failing on every retry.
    await expect.poll(async () => (await faults.stats()).authorize).toBe(2);
    await expect(page).toHaveURL(`${E2E.appOrigin}/messages`);
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();
    const after = await dpopKeyPairs(page);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });
});
