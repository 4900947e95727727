import AxeBuilder from '@axe-core/playwright';
import { Locator, Page } from '@playwright/test';
import {
  E2E,
  expect,
  expectStableCount,
  screenshot,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
} from './fixtures';

/** The app with a 2-minute idle timeout: the warning comes after a minute without input. */
const app = E2E.originOf('idle');
const WARNING_AFTER_MS = 60_000;
const TIMEOUT_MS = 120_000;

const warning = (page: Page): Locator =>
  page.getByRole('alertdialog', { name: 'Are you still there?' });
const notice = (page: Page): Locator =>
  page.getByRole('alertdialog', { name: 'You were signed out' });

/**
 * Signs in on /profile with the page's clock installed (shared by the context's pages, so the
 * test can move time for all of them), then opens `secondPath` in a second tab of the same session.
 * The idle time starts at the sign-in.
 */
async function signInWithTwoTabs(page: Page, secondPath = '/profile'): Promise<Page> {
  await page.clock.install();
  await page.goto(`${app}/profile`);
  await signInAtProvider(page, TEST_USER);
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  const second = await page.context().newPage();
  await second.goto(`${app}${secondPath}`);
  await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
  if (secondPath === '/messages') {
    // The API call is over before the test moves the clock, which dates its DPoP proofs.
    await expect(second.getByText(/^Hello, /)).toBeVisible();
  }
  return second;
}

/**
 * Waits until the page has rendered what its timers did: "nothing shows" is only worth checking
 * once the page had its chance to show it.
 */
async function rendered(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))),
  );
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test.describe('idle timeout', () => {
  test('warns in every tab a minute before the end, and Stay signed in in one tab keeps the session in all', async ({
    page,
  }) => {
    const second = await signInWithTwoTabs(page, '/messages');
    await page.clock.fastForward(WARNING_AFTER_MS + 1_000);
    await expect(warning(page)).toBeVisible();
    await expect(warning(second)).toBeVisible();
    await expect(warning(second)).toContainText(/You will be signed out in \d+ seconds/);
    await expect(second.getByRole('button', { name: 'Stay signed in' })).toBeFocused();
    await screenshot(second, 'idle-warning');

    await second.getByRole('button', { name: 'Stay signed in' }).click();
    await expect(warning(second)).toBeHidden();
    await expect(warning(page)).toBeHidden();
    // 40 s on, the first warning's minute would still be running: the time started again instead.
    await page.clock.fastForward(40_000);
    await rendered(page);
    await rendered(second);
    await expect(warning(page)).toBeHidden();
    await expect(warning(second)).toBeHidden();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    expect(await storedTokens(page)).not.toEqual([]);
    // ... and runs out a minute after the click.
    await page.clock.fastForward(21_000);
    await expect(warning(page)).toBeVisible();
    await expect(warning(second)).toBeVisible();
  });

  test('input in one tab keeps the other from warning', async ({ page }) => {
    const second = await signInWithTwoTabs(page);
    await page.clock.fastForward(40_000);
    await page.keyboard.press('Shift');
    await page.clock.fastForward(WARNING_AFTER_MS - 40_000 + 5_000);
    await rendered(second);
    await rendered(page);
    await expect(warning(second)).toBeHidden();
    await expect(warning(page)).toBeHidden();
    // The time counts from the key press, in both tabs.
    await page.clock.fastForward(40_000);
    await expect(warning(second)).toBeVisible();
    await expect(warning(page)).toBeVisible();
  });

  test("the app's own API calls do not count as activity", async ({ page }) => {
    await page.clock.install();
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await page.clock.fastForward(45_000);
    // A tab that opens on Messages calls the API as it loads, without any input.
    const second = await page.context().newPage();
    await second.goto(`${app}/messages`);
    await expect(second.getByText(/^Hello, /)).toBeVisible();
    // A minute after the sign-in, not after the call.
    await page.clock.fastForward(WARNING_AFTER_MS - 45_000 + 1_000);
    await expect(warning(page)).toBeVisible();
    await expect(warning(second)).toBeVisible();
  });

  test('the warning is accessible: no axe violations, and Tab stays inside it', async ({
    page,
  }) => {
    await page.clock.install();
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await page.clock.fastForward(WARNING_AFTER_MS + 1_000);
    await expect(warning(page)).toBeVisible();
    await expectNoAxeViolations(page);
    // The page behind is inert: Tab cycles through the dialog's buttons and, as with every native
    // modal dialog, the browser's own controls (the document then has no focus), never the page.
    const focus = () =>
      page.evaluate(() =>
        !document.hasFocus()
          ? 'browser'
          : document.activeElement?.closest('dialog')
            ? (document.activeElement.textContent ?? '').trim()
            : `page: ${document.activeElement?.outerHTML.slice(0, 60)}`,
      );
    const seen: string[] = [];
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      seen.push(await focus());
    }
    expect(seen.filter((where) => where.startsWith('page'))).toEqual([]);
    expect(new Set(seen)).toEqual(new Set(['Stay signed in', 'Sign out', 'browser']));
    // Keys inside the warning are no activity: it stays until a button is chosen.
    await expect(warning(page)).toBeVisible();
  });

  test('a step-up that outlasts the idle time at Okta (typing the code) returns signed in, and its time starts there', async ({
    page,
    faults,
    authenticator,
  }) => {
    await page.clock.install();
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await expect(page.getByRole('heading', { name: 'Enter a code' })).toBeVisible();
    // The app's last record of input is older than the whole idle time when the code comes back.
    await page.clock.fastForward(TIMEOUT_MS + 30_000);
    await authenticator.enter(page);

    await expect(page.getByRole('heading', { name: 'Admin' })).toBeVisible();
    await expect(page).toHaveURL(`${app}/admin`);
    await rendered(page);
    await expect(notice(page)).toBeHidden();
    await expect(warning(page)).toBeHidden();
    expect(await storedTokens(page)).not.toEqual([]);
    await expectStableCount(faults, 'logout', 0);
    // The new time counts from the return: the warning a minute later, not at once.
    await page.clock.fastForward(WARNING_AFTER_MS - 15_000);
    await rendered(page);
    await expect(warning(page)).toBeHidden();
    await page.clock.fastForward(20_000);
    await expect(warning(page)).toBeVisible();
  });

  test('at the end every tab is signed out, once, and says why', async ({ page, faults }) => {
    const second = await signInWithTwoTabs(page, '/messages');
    await page.clock.fastForward(WARNING_AFTER_MS + 1_000);
    await expect(warning(page)).toBeVisible();
    await expect(warning(second)).toBeVisible();
    // To a few seconds before the end, which then comes in real time. fastForward() moves the
    // tabs' clocks one after the other: jumping past the end, the first tab would sign out while
    // the second's clock still read a minute earlier, and that tab (whose localStorage shows the
    // other's writes late) could not tell that the session ended for idleness.
    const countdown = await warning(page).locator('strong').textContent();
    const secondsLeft = Number(/\d+/.exec(countdown ?? '')?.[0]);
    await page.clock.fastForward((secondsLeft - 3) * 1000);

    for (const tab of [page, second]) {
      await expect(notice(tab)).toBeVisible();
      await expect(notice(tab)).toContainText(
        'You were signed out after 2 minutes without activity.',
      );
      await expect(notice(tab).getByRole('button', { name: 'Sign in' })).toBeFocused();
      await expect(tab.getByText('Not signed in')).toBeAttached();
      // Polled: the tab that signs out may still be coming back from Okta's /v1/logout, and a
      // page that navigates meanwhile is asked again (expect.poll does not retry what throws).
      await expect
        .poll(() => storedTokens(tab).catch((error: Error) => [`(navigating: ${error.message})`]))
        .toEqual([]);
    }
    // One tab ended the Okta session; the other learnt of the sign-out and did not go there too,
    // nor end the session a second time (each ending moves the session generation on).
    await expectStableCount(faults, 'logout', 1);
    const generation = `${E2E.clientId}-session-generation`;
    await expect
      .poll(() => second.evaluate((key) => localStorage.getItem(key), generation))
      .toBe('1');
    await expectNoAxeViolations(page);
    await screenshot(page, 'idle-signed-out');

    // The notice's Sign in starts a new sign-in; the Okta session is gone, so Okta asks again.
    await notice(second).getByRole('button', { name: 'Sign in' }).click();
    await expect(second.getByLabel('Password')).toBeVisible();
  });
});
