import { Page, Request } from '@playwright/test';
import { findOktaChunk } from '../scripts/serve.mjs';
import { OKTA_CHUNK_DELAY_MS } from './environment';
import { E2E, expect, expectStableCount, signInAtProvider, test, TEST_USER } from './fixtures';

/**
 * Paint first, authenticate second: pages render before the Okta chunk is in, and nothing claims
 * to know the session before it is. All on the app server that holds the chunk back on every page
 * load (SERVE_DELAY_OKTA_CHUNK_MS), as a slow network would: nothing is stubbed in the browser.
 */
const app = E2E.originOf('slowOktaChunk');
/** The Okta chunk as the server finds it in the build, to tell its requests from the others'. */
const oktaChunkUrl = `${app}/${findOktaChunk()}`;

const HOME_HEADING = 'Okta + Angular reference app';
/** The header's account area until the session is known: no name, no "Sign in". */
const NEUTRAL = 'Checking your session…';
const SIGNED_IN = `Signed in as ${TEST_USER.name} | Sign out`;

test.describe(`paint first, with the Okta chunk ${OKTA_CHUNK_DELAY_MS} ms late`, () => {
  // Every page load waits for the chunk, and a sign-in is two of them (the page, the callback).
  test.describe.configure({ timeout: 60_000 });

  test('the home page paints before the Okta chunk arrives, and the chunk is fetched after that paint', async ({
    page,
  }) => {
    const chunk = watchOktaChunk(page);
    await page.goto(`${app}/`, { waitUntil: 'commit' });
    await expect.poll(() => chunk.sent, { message: 'Okta chunk requests' }).toBe(1);
    await expect(page.getByRole('heading', { name: HOME_HEADING })).toBeVisible();
    await expect(page.getByRole('banner').getByRole('status')).toHaveText(NEUTRAL);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toHaveCount(0);
    // Checked after the page: it was all on screen while the chunk was on its way.
    expect(chunk.pending, 'Okta chunk requests still on their way').toBe(1);

    await expect(page.getByRole('banner').getByText('Not signed in')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(chunk.pending).toBe(0);
    const { firstPaint, chunkRequested } = await page.evaluate(
      (url) => ({
        firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        chunkRequested: performance.getEntriesByName(url)[0]?.startTime,
      }),
      oktaChunkUrl,
    );
    expect(firstPaint).toBeDefined();
    expect(chunkRequested, 'the Okta chunk is asked for after the first paint').toBeGreaterThan(
      firstPaint!,
    );
    expect(chunk.sent, 'Okta chunk requests').toBe(1);
  });

  for (const path of ['/', '/profile']) {
    test(`a signed-in reload never flashes Sign in: the header goes from neutral to the user's name (${path})`, async ({
      page,
    }) => {
      await recordHeaderStates(page);
      await signIn(page);
      if (path !== '/profile') {
        await page.goto(`${app}${path}`);
        await expect(
          page.getByRole('banner').getByText(`Signed in as ${TEST_USER.name}`),
        ).toBeVisible();
      }
      const chunk = watchOktaChunk(page);
      await page.reload({ waitUntil: 'commit' });
      await expect(
        page.getByRole('banner').getByText(`Signed in as ${TEST_USER.name}`),
      ).toBeVisible();
      expect(chunk.sent, 'the reload waited for the Okta chunk').toBe(1);
      expect(await headerStatesSinceFirstPaint(page)).toEqual([NEUTRAL, SIGNED_IN]);
    });
  }

  test('a guarded deep link while the Okta chunk is still loading goes to Okta once and comes back to the exact URL', async ({
    page,
    faults,
  }) => {
    const deepLink = `${app}/profile?tab=claims#email`;
    const shown = await recordMainContent(page);
    const chunk = watchOktaChunk(page);
    await page.goto(deepLink, { waitUntil: 'commit' });
    await expect.poll(() => chunk.sent, { message: 'Okta chunk requests' }).toBe(1);
    await expect(page.getByRole('banner').getByRole('status')).toHaveText(NEUTRAL);
    expect(chunk.pending, 'the page is waiting for the Okta chunk').toBe(1);
    expect(page.url()).toBe(deepLink);
    expect((await faults.stats()).authorize, 'authorization requests before the chunk').toBe(0);

    await expect(page).toHaveURL((url) => url.href.startsWith(`${E2E.issuer}/`));
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page).toHaveURL(deepLink);
    await expectStableCount(faults, 'authorize', 1);
    expect(
      shown.filter(({ document }) => document === deepLink).map(({ text }) => text),
      'what the deep link showed in its main area before it went to Okta',
    ).toEqual([]);
    expect(
      shown.some(({ text }) => text.startsWith('Profile')),
      'the Profile page was seen once signed in (so it would have been seen before)',
    ).toBe(true);
  });

  test('a signed-in deep link to a guarded page waits for the chunk instead of sending the user to Okta', async ({
    page,
    faults,
  }) => {
    await signIn(page);
    const authorizeBefore = (await faults.stats()).authorize;
    // Tokens are in this tab's sessionStorage; the new tab gets the session from it.
    const second = await page.context().newPage();
    const chunk = watchOktaChunk(second);
    const toOkta: string[] = [];
    second.on('request', (request) => {
      if (request.url().startsWith(`${E2E.issuer}/v1/authorize`)) toOkta.push(request.url());
    });
    await second.goto(`${app}/profile`, { waitUntil: 'commit' });
    await expect.poll(() => chunk.sent, { message: 'Okta chunk requests' }).toBe(1);
    await expect(second.getByRole('banner').getByRole('status')).toHaveText(NEUTRAL);
    await expect(second.getByRole('heading', { name: 'Profile' })).toHaveCount(0);
    expect(chunk.pending, 'the page is waiting for the Okta chunk').toBe(1);

    await expect(second.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(
      second.getByRole('banner').getByText(`Signed in as ${TEST_USER.name}`),
    ).toBeVisible();
    expect(second.url()).toBe(`${app}/profile`);
    await expectStableCount(faults, 'authorize', authorizeBefore);
    expect(toOkta, 'authorization requests from the new tab').toEqual([]);
  });

  for (const viewport of [
    { width: 360, height: 740 },
    { width: 1280, height: 800 },
  ]) {
    test.describe(`layout at ${viewport.width}×${viewport.height}`, () => {
      test.use({ viewport });

      test('a signed-out home page does not shift when the session becomes known', async ({
        page,
      }) => {
        await recordLayoutShifts(page);
        await page.goto(`${app}/`, { waitUntil: 'commit' });
        await expect(page.getByRole('banner').getByRole('status')).toHaveText(NEUTRAL);
        await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
        expect(await layoutShifts(page)).toEqual([]);
      });

      test("a signed-in reload of /profile does not shift when the admin's name and Admin link come in", async ({
        page,
      }) => {
        await recordLayoutShifts(page);
        await signIn(page);
        await page.reload({ waitUntil: 'commit' });
        await expect(page.getByRole('banner').getByRole('status')).toHaveText(NEUTRAL);
        await expect(
          page.getByRole('banner').getByText(`Signed in as ${TEST_USER.name}`),
        ).toBeVisible();
        await expect(page.getByRole('link', { name: 'Admin' })).toBeVisible();
        await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
        expect(await layoutShifts(page)).toEqual([]);
      });
    });
  }
});

/** Signs the demo admin in on the slow app, through its /profile; the page ends there. */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${app}/profile`);
  await signInAtProvider(page, TEST_USER);
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
}

/** The Okta chunk's requests from `page` from now on: how many were sent, how many are not in. */
function watchOktaChunk(page: Page): { readonly sent: number; readonly pending: number } {
  const sent = new Set<Request>();
  const over = new Set<Request>();
  page.on('request', (request) => {
    if (request.url() === oktaChunkUrl) sent.add(request);
  });
  page.on('requestfinished', (request) => over.add(request));
  page.on('requestfailed', (request) => over.add(request));
  return {
    get sent() {
      return sent.size;
    },
    get pending() {
      return [...sent].filter((request) => !over.has(request)).length;
    },
  };
}

/**
 * From the start of every document of `page`, each state of the header's account area as a user
 * could see it: its text and buttons that are rendered and visible (the neutral state's
 * placeholder button is visibility:hidden, and is no "Sign in"), with the time it came.
 */
async function recordHeaderStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const states: { at: number; state: string }[] = [];
    const visible = (element: Element) =>
      element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    const read = () => {
      const account = document.querySelector('header .account');
      if (!account || !visible(account)) return;
      const state = [...account.querySelectorAll('.who, button')]
        .filter(visible)
        .map((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim())
        .join(' | ');
      if (states.at(-1)?.state !== state) states.push({ at: performance.now(), state });
    };
    new MutationObserver(read).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    Object.assign(window, {
      headerStates: () => {
        read();
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return { states, firstPaint: paint?.startTime ?? null };
      },
    });
  });
}

/** The header states of `page`'s document from its first paint on: the one it painted, then each. */
async function headerStatesSinceFirstPaint(page: Page): Promise<string[]> {
  const { states, firstPaint } = await page.evaluate(() =>
    (
      window as unknown as {
        headerStates(): { states: { at: number; state: string }[]; firstPaint: number | null };
      }
    ).headerStates(),
  );
  expect(firstPaint, 'the first contentful paint').not.toBeNull();
  const painted = states.findLastIndex(({ at }) => at <= firstPaint!);
  return states.slice(Math.max(painted, 0)).map(({ state }) => state);
}

/**
 * Everything `page`'s documents show in their main area, as it comes: each non-empty text with the
 * address the document was opened at, reported as it happens (a document that goes on to Okta
 * takes its own records with it).
 */
async function recordMainContent(page: Page): Promise<{ document: string; text: string }[]> {
  const shown: { document: string; text: string }[] = [];
  await page.exposeFunction('reportMainContent', (opened: string, text: string) =>
    shown.push({ document: opened, text }),
  );
  await page.addInitScript(() => {
    const opened = location.href;
    const page = window as unknown as { reportMainContent(opened: string, text: string): void };
    let last = '';
    new MutationObserver(() => {
      const main = document.querySelector('main');
      const text = main instanceof HTMLElement ? main.innerText.trim() : '';
      if (text && text !== last) page.reportMainContent(opened, text);
      last = text;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return shown;
}

/** Every layout shift of `page`'s documents from their start (buffered: before the first paint). */
async function recordLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    interface LayoutShift extends PerformanceEntry {
      readonly value: number;
      readonly sources: readonly { node: Node | null }[];
    }
    const shifts: { value: number; moved: string[] }[] = [];
    const describe = (node: Node | null) =>
      node instanceof Element
        ? `${node.tagName.toLowerCase()}.${[...node.classList].join('.')} "${(node.textContent ?? '').trim().slice(0, 40)}"`
        : String(node?.nodeName);
    const record = (entries: PerformanceEntryList) => {
      for (const entry of entries as LayoutShift[]) {
        shifts.push({ value: entry.value, moved: entry.sources.map(({ node }) => describe(node)) });
      }
    };
    const observer = new PerformanceObserver((list) => record(list.getEntries()));
    observer.observe({ type: 'layout-shift', buffered: true });
    Object.assign(window, {
      layoutShifts: () => {
        record(observer.takeRecords());
        return shifts;
      },
    });
  });
}

/** The layout shifts of `page`'s document so far, once the frames it has rendered are painted. */
async function layoutShifts(page: Page): Promise<{ value: number; moved: string[] }[]> {
  return page.evaluate(async () => {
    await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
    return (
      window as unknown as { layoutShifts(): { value: number; moved: string[] }[] }
    ).layoutShifts();
  });
}
