// `npm run lighthouse`: Lighthouse's performance, accessibility, best-practices and SEO scores
// for two pages of the production build, served by scripts/serve.mjs on a port of its own (4400
// by default, BENCH_APP_PORT): the public home page, and /profile, a guarded page, signed in as
// the first demo user through the embedded provider's hosted form. Runs the mobile preset
// (Lighthouse's default: Moto G Power emulation, simulated slow 4G and 4× CPU slowdown) and the
// desktop preset, five runs each (--runs), in the system Chromium, and reports the median run, as
// Lighthouse advises (a single run on a shared machine swings by several points). Prints each
// run's performance, then the median run's scores and failing audits for each page and preset,
// then a table of all of them, and writes bench-results/lighthouse.json
// plus the median run's HTML report per page and preset (lighthouse.html and lighthouse-desktop.html for the
// home page, lighthouse-profile.html and lighthouse-profile-desktop.html for /profile).
//
//   node scripts/lighthouse.mjs [--page home|profile|both] [--preset mobile|desktop|both] [--runs N]
//   (build first: npm run build)
//
// The home page needs nothing but /config.json, so `--page home` starts the app server alone;
// the issuer in that config then points at the (unused) bench provider port on localhost, so if
// the page ever did call it, the call would fail at once instead of leaving the machine. For
// /profile the provider and the sample API run too, and the sign-in is a real one: Playwright,
// connected over CDP to the Chromium Lighthouse audits in, fills the form in a tab of its own,
// and Lighthouse then audits that tab. The app keeps its tokens in sessionStorage (the bench's
// setting, the app's default), which belongs to one tab, so a tab Lighthouse opened itself would
// have none and its run would be a sign-in round trip. disableStorageReset keeps the tab's
// storage (and the DPoP key in IndexedDB); the HTTP cache is emptied before each run as
// Lighthouse does otherwise, so both pages load cold. Each run must have stayed on its page (final
// URL, document, no trip to the provider, the page's <h1> rendered); a run that did not fails
// the script rather than report another page's scores. Chromium resolves no host name but
// localhost (OFFLINE_ARGS), so nothing Lighthouse or the page tries can reach the internet; any
// such attempt is listed as an external request.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import { chromium } from 'playwright-core';
// Lighthouse's own dependency: its API audits a tab given as a puppeteer Page.
import puppeteer from 'puppeteer-core';
import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import {
  auditedPageProblem,
  parseChoice,
  parseRuns,
  reportName,
  summarizeLhr,
  summaryTable,
  warmUpServer,
} from './bench-lighthouse.mjs';
import { loadWarning, textTable } from './bench-report.mjs';
import {
  benchStack,
  DIST,
  loadAverage,
  machineInfo,
  OFFLINE_ARGS,
  onceWithSignals,
  RESULTS_DIR,
  root,
  startStack,
  stopAll,
} from './bench-stack.mjs';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const PRESETS = { mobile: undefined, desktop: desktopConfig };
const PAGES = {
  home: { path: '/', heading: 'Okta + Angular reference app', signedIn: false },
  profile: { path: '/profile', heading: 'Profile', signedIn: true },
};
/** Each step of the sign-in (everything runs on localhost). */
const STEP_TIMEOUT = 15_000;

const { values } = parseArgs({
  options: {
    page: { type: 'string', default: 'both' },
    preset: { type: 'string', default: 'both' },
    // Lighthouse's own advice (docs/variability.md): five runs, and report the median one.
    runs: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'Usage: node scripts/lighthouse.mjs [--page home|profile|both] [--preset mobile|desktop|both] ' +
      '[--runs N]',
  );
  process.exit(0);
}
const pages = parseChoice(values.page, Object.keys(PAGES));
const presets = parseChoice(values.preset, Object.keys(PRESETS));
const runs = parseRuns(values.runs);
if (!pages || !presets || !runs) {
  console.error(
    !pages
      ? `--page must be home, profile or both, not "${values.page}".`
      : !presets
        ? `--preset must be mobile, desktop or both, not "${values.preset}".`
        : `--runs must be a whole number from 1 to 20, not "${values.runs}".`,
  );
  process.exit(2);
}
const signIn = pages.some((page) => PAGES[page].signedIn);

const stack = benchStack();
const providerOrigin = new URL(stack.issuer).origin;
const [user] = DEMO_USERS;
const children = [];
let chrome = null;
let browser = null;
let playwright = null;
const cleanup = onceWithSignals(async () => {
  await playwright?.close().catch(() => {});
  // Disconnects only: the tabs go with the browser.
  await browser?.disconnect().catch(() => {});
  // chrome-launcher kills the Chromium it started (by its PID) and removes its profile dir.
  chrome?.kill();
  await stopAll(children);
});

try {
  const started = Date.now();
  if (!existsSync(join(DIST, 'browser/index.html'))) {
    throw new Error('there is no production build in dist/; run "npm run build" first.');
  }
  await startStack(
    stack,
    signIn ? { provider: true, api: true, app: true } : { app: true },
    children,
  );
  await warmUpServer(stack.appOrigin, join(DIST, 'browser'));
  chrome = await launch({
    chromePath: findChromium(),
    chromeFlags: [...CHROMIUM_ARGS, '--headless=new', ...OFFLINE_ARGS],
    logLevel: 'silent',
  });
  const browserURL = `http://127.0.0.1:${chrome.port}`;
  browser = await puppeteer.connect({ browserURL, defaultViewport: null });

  const machine = { ...machineInfo(), chromium: await chromeVersion(chrome.port) };
  const results = {};
  const reports = [];
  for (const page of pages) {
    const { path, heading, signedIn } = PAGES[page];
    const url = `${stack.appOrigin}${path}`;
    // The home page gets a fresh tab, as Lighthouse would open; /profile the signed-in one.
    const tab = signedIn ? await signedInTab(browserURL, url, heading) : await browser.newPage();
    results[page] = signedIn
      ? { url, signedInAs: user.email, tokenStorage: stack.appEnv.OKTA_TOKEN_STORAGE, presets: {} }
      : { url, presets: {} };
    for (const preset of presets) {
      if (cleanup.interrupted) throw new Error('interrupted; no results written.');
      const presetStarted = Date.now();
      const runResults = [];
      for (let run = 1; run <= runs; run++) {
        if (cleanup.interrupted) throw new Error('interrupted; no results written.');
        if (signedIn) await emptyHttpCache(tab);
        const runnerResult = await lighthouse(
          url,
          {
            output: 'html',
            logLevel: 'error',
            onlyCategories: CATEGORIES,
            // Everything is on localhost: a page that is not loaded by then never will be.
            // Lighthouse waits 45 s by default.
            maxWaitForLoad: 20_000,
            maxWaitForFcp: 15_000,
            // Lighthouse's reset would leave sessionStorage and IndexedDB alone today (its default
            // clearStorageTypes), but the signed-in run must not depend on that default.
            disableStorageReset: signedIn,
          },
          PRESETS[preset],
          tab,
        );
        if (!runnerResult) throw new Error(`Lighthouse returned no result for ${page}, ${preset}.`);
        const problem =
          auditedPageProblem(runnerResult.lhr, url, [providerOrigin]) ??
          (await headingProblem(tab, heading));
        if (problem) {
          throw new Error(
            `the ${preset} run ${run} for ${page} did not audit ${url}: ${problem}. ` +
              'No score is reported for another page.',
          );
        }
        runResults.push(runnerResult);
        if (runs > 1) console.log(`${page}, ${preset}, run ${run}: ${scoreLine(runnerResult.lhr)}`);
      }
      // A run that could not measure (a runtime error) has no metrics to take a median of.
      const measured = runResults.filter(({ lhr }) => !lhr.runtimeError);
      const reported =
        measured.length === runResults.length
          ? runResults.find(({ lhr }) => lhr === computeMedianRun(measured.map((r) => r.lhr)))
          : runResults.find(({ lhr }) => lhr.runtimeError);
      const runnerResult = reported ?? runResults[0];
      const summary = summarizeLhr(runnerResult.lhr, CATEGORIES);
      summary.runs = runs;
      summary.performanceRuns = runResults.map(({ lhr }) => score(lhr, 'performance'));
      summary.seconds = Math.round((Date.now() - presetStarted) / 100) / 10;
      const report = join(RESULTS_DIR, reportName(page, preset));
      summary.report = relative(root, report);
      results[page].presets[preset] = summary;
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(report, runnerResult.report);
      reports.push(summary.report);
      print(page, preset, summary);
    }
    await tab.close();
  }

  machine.loadAverageAfter = loadAverage();
  const file = join(RESULTS_DIR, 'lighthouse.json');
  writeFileSync(
    file,
    JSON.stringify({ machine, categories: CATEGORIES, pages: results }, null, 2) + '\n',
  );
  const { header, rows } = summaryTable(results, CATEGORIES);
  console.log(`\n${textTable(header, rows)}`);
  console.log(
    `\nMachine: ${machine.cpuModel}, ${machine.cores} cores, Chromium ${machine.chromium}, ` +
      `Node ${machine.node}, ${machine.date}, load average ${machine.loadAverage.join(' / ')} ` +
      `(after: ${machine.loadAverageAfter.join(' / ')})`,
  );
  const busy = loadWarning(machine);
  // Simulated throttling scales the page's observed CPU work, so a busy machine lowers the
  // performance score too (accessibility, best practices and SEO do not depend on speed).
  if (busy) console.log(`WARNING: ${busy}`);
  console.log(`Wrote ${relative(root, file)} and ${reports.join(', ')}.`);
  console.log(`Done in ${Math.round((Date.now() - started) / 1000)} s.`);
  const failed = Object.entries(results).flatMap(([page, { presets: byPreset }]) =>
    Object.entries(byPreset)
      .filter(([, summary]) => summary.runtimeError)
      .map(([preset]) => `${page}, ${preset}`),
  );
  if (failed.length > 0) {
    throw new Error(`Lighthouse could not audit the page (${failed.join('; ')}).`);
  }
} catch (error) {
  console.error(`\nlighthouse: could not measure: ${error.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

/**
 * Signs the demo user in at `url` (the guard sends the tab to the provider's form, the callback
 * back to `url`) with Playwright over CDP, in a tab of the default context, which outlives
 * Playwright's connection; returns that tab as puppeteer sees it.
 */
async function signedInTab(browserURL, url, heading) {
  playwright = await chromium.connectOverCDP(browserURL);
  try {
    const page = await playwright.contexts()[0].newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(url);
    // The same form and credentials as scripts/bench.mjs.
    await page.getByLabel('Username').fill(user.email);
    await page.getByLabel('Password').fill(process.env.DEV_PROVIDER_PASSWORD || user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    await page.waitForURL(url);
  } catch (error) {
    throw new Error(
      `could not sign in as ${user.email} at ${url}: ${error.message.split('\n')[0]}`,
      { cause: error },
    );
  } finally {
    await playwright.close();
    playwright = null;
  }
  const tab = (await browser.pages()).find((candidate) => candidate.url() === url);
  if (!tab) throw new Error(`the signed-in tab on ${url} is gone.`);
  return tab;
}

/** What Lighthouse's storage reset does to the HTTP cache (storage.js, clearBrowserCaches). */
async function emptyHttpCache(tab) {
  const session = await tab.createCDPSession();
  try {
    await session.send('Network.clearBrowserCache');
    // Turning the cache off and on again evicts the memory cache too.
    await session.send('Network.setCacheDisabled', { cacheDisabled: true });
    await session.send('Network.setCacheDisabled', { cacheDisabled: false });
  } finally {
    await session.detach();
  }
}

/** Why the audited tab does not show `heading` as its <h1> at the end of the run, or null. */
async function headingProblem(tab, heading) {
  const headings = await tab.evaluate(() =>
    /* global document */
    [...document.querySelectorAll('h1')].map((h1) => h1.textContent.trim()),
  );
  if (headings.includes(heading)) return null;
  return `its <h1> is ${headings.length === 0 ? 'missing' : headings.map((text) => `"${text}"`).join(', ')}, not "${heading}"`;
}

function score(lhr, category) {
  const value = lhr.categories[category]?.score;
  return typeof value === 'number' ? Math.round(value * 100) : null;
}

function scoreLine(lhr) {
  const metric = (id) => lhr.audits[id]?.displayValue ?? '–';
  return (
    `performance ${score(lhr, 'performance') ?? '–'}, FCP ${metric('first-contentful-paint')}, ` +
    `LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}`
  );
}

function print(page, preset, summary) {
  const who = PAGES[page].signedIn ? ` signed in as ${user.email},` : '';
  console.log(
    `\n== Lighthouse ${summary.lighthouseVersion}, ${page},${who} ${preset} preset ` +
      `(${summary.formFactor}, ${summary.throttling} throttling, benchmarkIndex ` +
      `${summary.benchmarkIndex}), ${summary.finalUrl}, ${summary.seconds} s ==`,
  );
  if (summary.runs > 1) {
    console.log(
      `The median of ${summary.runs} runs (Lighthouse's median-run.js: closest to the median FCP ` +
        `and TTI, not by score); performance in each run: ${summary.performanceRuns.join(', ')}`,
    );
  }
  if (summary.runtimeError) console.log(`Runtime error: ${summary.runtimeError}`);
  for (const warning of summary.warnings) console.log(`Warning: ${warning}`);
  console.log(CATEGORIES.map((id) => `${id}: ${summary.scores[id] ?? '–'}`).join('   '));
  console.log(
    'Metrics: ' +
      Object.entries(summary.metrics)
        .map(([id, metric]) => `${id} ${metric.display}`)
        .join(', '),
  );
  for (const id of CATEGORIES) {
    const failing = summary.failing[id] ?? [];
    const errored = summary.errored[id] ?? [];
    console.log(`Failing in ${id}: ${failing.length === 0 ? 'none' : ''}`);
    for (const audit of failing) {
      const value = audit.displayValue ? ` (${audit.displayValue})` : '';
      console.log(`  - ${audit.id}: ${audit.title}${value} [score ${audit.score}]`);
      for (const item of audit.items) if (item) console.log(`      ${item}`);
    }
    for (const audit of errored) console.log(`  ! ${audit.id} errored: ${audit.error}`);
  }
  const traceErrors = Object.values(summary.errored)
    .flat()
    .filter((audit) => /frame_sequence/.test(audit.error ?? ''));
  if (traceErrors.length > 0) {
    console.log(
      `Note: the ${traceErrors.length} errored audit(s) above fail inside Lighthouse ` +
        `${summary.lighthouseVersion}'s trace engine (@paulirish/trace_engine 0.0.32, ` +
        'ScreenshotsHandler expects chrome_frame_reporter.frame_sequence), which predates the trace ' +
        'format of this Chromium: a tool/browser version mismatch, not a finding about the app. ' +
        'They are unscored diagnostics, so the category scores do not depend on them.',
    );
  }
  console.log(
    summary.externalRequests.length === 0
      ? 'External requests: none (every request went to localhost).'
      : `External requests attempted (blocked): ${summary.externalRequests.join(', ')}`,
  );
}

async function chromeVersion(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/json/version`);
    const { Browser } = await response.json();
    return Browser.replace(/^[^/]*\//, '');
  } catch {
    return 'unknown';
  }
}
