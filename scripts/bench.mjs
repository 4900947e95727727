// `npm run bench`: how big the app is and how fast signing in feels, as numbers to compare across
// changes (never a pass/fail test). Builds the production app with stats, starts the embedded
// provider, the sample API and scripts/serve.mjs on ports of their own, then drives headless
// Chromium through sign-ins, each run in fresh browser contexts. Prints medians with min/max and
// writes bench-results/bench.json and bench-results/bench.md (git-ignored).
//
//   node scripts/bench.mjs [--runs N] [--warmup N] [--no-build]
//   BENCH_PROVIDER_PORT / BENCH_API_PORT / BENCH_APP_PORT change the ports (3200/8200/4400).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import { analyzeBuild, formatBuildTable } from './bench-bundle.mjs';
import {
  findCuts,
  mergeEndpoints,
  recordNetwork,
  requestsBetween,
  summarizeRequests,
} from './bench-network.mjs';
import {
  endpointLines,
  loadWarning,
  machineLine,
  median,
  metricRows,
  summarizeRuns,
  textTable,
  toMarkdown,
} from './bench-report.mjs';
import {
  benchStack,
  DIST,
  formatSize,
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

const HOME_HEADING = 'Okta + Angular reference app';
const PROFILE_HEADING = 'Profile';
const STEP_TIMEOUT = 15_000;
/** How long to keep listening after the page rendered, to list requests that come late. */
const SETTLE_MS = 500;

const METHOD = [
  'Sign-in is measured twice per run. (a) "First sign-in": a fresh browser context, the hosted ' +
    'form filled by Playwright (fill() is near-instant, nothing subtracted). (b) "Existing provider ' +
    'session": a second fresh context that holds only the provider\'s session cookie from (a) ' +
    '(dev_provider_session*), so "Sign in with Okta" goes app → provider (no form) → callback → ' +
    '/profile: the machine part of a sign-in, with cold HTTP, CORS-preflight and okta-auth-js caches ' +
    '(a second context, not the same one with storage cleared: that one would reuse preflights cached ' +
    'by (a) and hide them from the count).',
  "Times are taken inside the page: the click event's timestamp, and a MutationObserver that notes " +
    'when the target <h1> is in the DOM and visible (Element.checkVisibility, which lays out early what ' +
    'the page lays out before painting anyway); "callback URL requested" ' +
    "is the DevTools timestamp of the browser's GET /login/callback. All are wall-clock ms on one machine.",
  "Requests are every HTTP request the page's DevTools Network domain reports between the click and " +
    'the rendered heading: documents and each redirect hop, fetches, scripts, CORS preflights (Chromium ' +
    'reports them as separate OPTIONS requests with initiator "preflight"), the browser\'s own favicon ' +
    'checks, and requests answered from the cache (flagged); non-HTTP URLs (data:, chrome:, devtools:) ' +
    'are not counted.',
  'Heap: HeapProfiler.collectGarbage then Runtime.getHeapUsage().usedSize of the page; 1 MB = 2^20 ' +
    'bytes, as DevTools shows it.',
  'The embedded provider adds a consent redirect (/interaction/:uid → /v1/authorize/:uid) that Okta does ' +
    'not; it is in the counts and in (2), and listed under "could be cut" as provider-only.',
];

const options = parseOptions(process.argv.slice(2));
const stack = benchStack();
const children = [];
let browser = null;
let buildChild = null;
const cleanup = onceWithSignals(async () => {
  if (buildChild && buildChild.exitCode === null) buildChild.kill('SIGTERM');
  await browser?.close().catch(() => {});
  await stopAll(children);
});

try {
  const started = Date.now();
  const machine = machineInfo();
  if (options.build) await build();
  if (!existsSync(join(DIST, 'browser/index.html'))) {
    throw new Error('there is no production build in dist/; run without --no-build.');
  }

  const bundle = analyzeBuild(DIST);
  // dist/ is shared with everyone working in this tree: `ng build --configuration development`
  // writes there too, and a development build is not what this measures.
  if (!bundle.files.some((file) => file.initial && /-[\w-]{8}\.js$/.test(file.file))) {
    throw new Error(
      'dist/ holds a build without content-hashed file names (a development build?); ' +
        'run without --no-build to measure a production build.',
    );
  }
  const shell = readFileSync(join(DIST, 'browser/index.html'), 'utf8');
  printBundle(bundle);

  await startStack(stack, { provider: true, api: true, app: true }, children);
  browser = await chromium.launch({
    executablePath: findChromium(),
    args: [...CHROMIUM_ARGS, ...OFFLINE_ARGS],
    // Ctrl-C is ours to handle (onceWithSignals), so the browser is closed with the servers.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  machine.chromium = browser.version();

  const runs = [];
  const failures = [];
  const total = options.warmup + options.runs;
  for (let index = 0; index < total && !cleanup.interrupted; index++) {
    const warmup = index < options.warmup;
    const label = warmup
      ? `warm-up ${index + 1}`
      : `run ${index - options.warmup + 1}/${options.runs}`;
    try {
      const run = await measureRun();
      console.log(
        `${label}: sign-in ${run.metrics.ssoClickToProfile.toFixed(0)} ms, ` +
          `callback → profile ${run.metrics.ssoCallbackToProfile.toFixed(0)} ms, ` +
          `home nav ${run.metrics.navHome.toFixed(0)} ms, ${run.metrics.ssoRequests} requests` +
          (warmup ? ' (discarded)' : ''),
      );
      if (!warmup) runs.push(run);
    } catch (error) {
      if (cleanup.interrupted) break;
      console.error(`${label} failed: ${error.message.split('\n')[0]}`);
      if (!warmup) failures.push({ run: index - options.warmup + 1, error: error.message });
    }
  }
  if (cleanup.interrupted) throw new Error('interrupted; no results written.');
  if (runs.length === 0) throw new Error('no run succeeded, so there is nothing to report.');

  // serve.mjs reads dist/ on every request, so a rebuild by someone else mid-run mixes builds.
  const distChanged = readFileSync(join(DIST, 'browser/index.html'), 'utf8') !== shell;
  const result = report({ machine, bundle, runs, failures, started, distChanged });
  writeResults(result);
} catch (error) {
  console.error(`\nbench: could not measure: ${error.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

function parseOptions(args) {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: node scripts/bench.mjs [--runs N (default 10)] [--warmup N (1)] [--no-build]',
    );
    process.exit(0);
  }
  const count = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      console.error(`--${name} must be a whole number of at least ${min}, not "${values[name]}".`);
      process.exit(2);
    }
    return value;
  };
  return { runs: count('runs', 1), warmup: count('warmup', 0), build: !values['no-build'] };
}

/** `ng build --stats-json` (production), printing the CLI's own output as it goes. */
function build() {
  console.log('Building the production app with stats (ng build --stats-json)…');
  return new Promise((resolve, reject) => {
    buildChild = spawn(
      process.execPath,
      [join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build', '--stats-json'],
      { cwd: root, stdio: 'inherit', env: { ...process.env, NG_CLI_ANALYTICS: 'false' } },
    );
    buildChild.once('error', reject);
    buildChild.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`ng build failed (${signal ?? `exit code ${code}`}).`)),
    );
  });
}

function printBundle(bundle) {
  const { initialJs, initialCss } = bundle.totals;
  console.log(
    `\n1. Initial bundle (${relative(root, DIST)}; initial files from ${bundle.source})\n`,
  );
  console.log(formatBuildTable(bundle));
  console.log(
    `\nInitial JS:  ${formatSize(initialJs.raw)} raw, ${formatSize(initialJs.brotli)} estimated ` +
      `transfer (brotli), ${formatSize(initialJs.gzip)} gzip -6 — ${initialJs.files} file(s)\n` +
      `Initial CSS: ${formatSize(initialCss.raw)} raw, ${formatSize(initialCss.brotli)} estimated ` +
      `transfer (brotli), ${formatSize(initialCss.gzip)} gzip -6 — ${initialCss.files} file(s)\n` +
      '"Estimated transfer size" is computed as ng build does it (@angular/build ' +
      'calculateEstimatedTransferSizes): brotli at quality 11 per file, raw size for files under ' +
      '1 KiB. scripts/serve.mjs sends brotli (or gzip) when the browser accepts it.\n',
  );
}

/** One run: a first sign-in through the form, then a sign-in with the provider session alone. */
async function measureRun() {
  const [user] = DEMO_USERS;
  const credentials = {
    username: user.email,
    password: process.env.DEV_PROVIDER_PASSWORD || user.password,
  };
  const first = await firstSignIn(credentials);
  const sso = await sessionSignIn(first.providerCookies, credentials);
  const origins = {
    app: stack.appOrigin,
    provider: new URL(stack.issuer).origin,
    api: new URL(stack.apiUrl).origin,
  };
  const ssoSummary = summarizeRequests(sso.requests, origins);
  const firstSummary = summarizeRequests(first.requests, origins);
  return {
    metrics: {
      ssoClickToProfile: sso.profile - sso.click,
      ssoClickToCallback: sso.callback - sso.click,
      ssoCallbackToProfile: sso.profile - sso.callback,
      firstClickToProfile: first.profile - first.click,
      firstSubmitToProfile: first.profile - first.submit,
      firstCallbackToProfile: first.profile - first.callback,
      navHome: sso.homeRendered - sso.homeClick,
      ratio: (sso.profile - sso.click) / (sso.homeRendered - sso.homeClick),
      ssoRequests: ssoSummary.total,
      ssoPreflights: ssoSummary.preflights,
      ssoFromCache: ssoSummary.fromCache,
      ssoBytes: ssoSummary.bytes,
      firstRequests: firstSummary.total,
      firstPreflights: firstSummary.preflights,
      heapAfterSignIn: sso.heapAfterSignIn,
      heapHome: sso.heapHome,
    },
    usedForm: sso.usedForm,
    sso: { summary: ssoSummary, requests: sso.requests, late: sso.late, before: sso.before },
    first: { summary: firstSummary, requests: first.requests, late: first.late },
    origins,
  };
}

/**
 * A fresh context with the probe installed: a binding the page calls with in-page timestamps
 * (the binding's own latency does not matter, the time travels as an argument) and the recorder
 * of every request the page makes.
 */
async function openContext(cookies = []) {
  const context = await browser.newContext();
  if (cookies.length > 0) await context.addCookies(cookies);
  const marks = [];
  await context.exposeBinding('__benchMark', (_source, mark) => void marks.push(mark));
  await context.addInitScript(pageProbe, [HOME_HEADING, PROFILE_HEADING]);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const cdp = await context.newCDPSession(page);
  const requests = recordNetwork(cdp);
  await cdp.send('Network.enable');
  return { context, page, cdp, marks, requests };
}

/**
 * Runs in every document of the context before its own scripts. Reports clicks (event time) and
 * the first moment each watched <h1> is in the DOM and visible, both in epoch ms.
 */
function pageProbe(headings) {
  /* global window, location, addEventListener, Element, document, MutationObserver */
  const mark = (entry) => window.__benchMark?.({ url: location.href, ...entry });
  addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target.closest('a, button') : null;
      mark({
        kind: 'click',
        label: target?.textContent.trim() ?? '',
        t: performance.timeOrigin + event.timeStamp,
      });
    },
    true,
  );
  const seen = new WeakSet();
  const check = () => {
    for (const heading of document.getElementsByTagName('h1')) {
      if (seen.has(heading)) continue;
      const text = heading.textContent.trim();
      if (!headings.includes(text) || !heading.checkVisibility()) continue;
      seen.add(heading);
      mark({ kind: 'heading', text, t: performance.timeOrigin + performance.now() });
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
}

/** The first mark (from index `from` on) that matches; marks arrive asynchronously. */
async function waitForMark(marks, predicate, what, from = 0) {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    const found = marks.slice(from).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function callbackRequest(requests, after) {
  const request = requests.find(
    (entry) =>
      entry.resourceType === 'Document' &&
      entry.time >= after &&
      new URL(entry.url).origin === stack.appOrigin &&
      new URL(entry.url).pathname === '/login/callback',
  );
  if (!request) throw new Error('the browser never requested /login/callback');
  return request.time;
}

/**
 * Opens the home page, clicks "Sign in with Okta" (it returns to /profile, a guarded page; the
 * header's "Sign in" returns to the public home page) and waits until Profile is rendered.
 */
async function signInFromHome(session, credentials, { measureHeap = false } = {}) {
  const { page, marks } = session;
  await page.goto(`${stack.appOrigin}/`);
  const button = page.getByRole('button', { name: 'Sign in with Okta' });
  await button.waitFor();
  const heapHome = measureHeap ? await heapUsed(session.cdp) : null;
  const since = Date.now();
  await button.click();

  // Whichever comes first: the rendered profile (provider session honoured) or the hosted form.
  const profileHeading = page.getByRole('heading', { name: PROFILE_HEADING, exact: true });
  const username = page.getByLabel('Username');
  await profileHeading.or(username).waitFor();
  let usedForm = false;
  if (await username.isVisible()) {
    usedForm = true;
    await username.fill(credentials.username);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await profileHeading.waitFor();
  const click = await waitForMark(
    marks,
    (mark) => mark.kind === 'click' && mark.label === 'Sign in with Okta',
    'the click on "Sign in with Okta"',
  );
  const profile = await waitForMark(
    marks,
    (mark) => mark.kind === 'heading' && mark.text === PROFILE_HEADING && mark.t > click.t,
    'the Profile heading',
  );
  const submit = usedForm
    ? marks.find((mark) => mark.kind === 'click' && mark.url.startsWith(stack.issuer))
    : null;
  await page.waitForTimeout(SETTLE_MS);
  const requests = requestsBetween(session.requests, since, profile.t);
  const late = requestsBetween(session.requests, profile.t + 0.001, Infinity);
  return {
    before: session.requests.filter((request) => request.time < since),
    click: click.t,
    submit: submit?.t ?? null,
    callback: callbackRequest(session.requests, since),
    profile: profile.t,
    requests,
    late,
    usedForm,
    heapHome,
  };
}

async function firstSignIn(credentials) {
  const session = await openContext();
  try {
    const result = await signInFromHome(session, credentials);
    if (!result.usedForm) throw new Error('a fresh context signed in without the form');
    // Only the provider's session cookies; the interaction cookies belong to finished flows.
    const providerCookies = (await session.context.cookies(stack.issuer)).filter((cookie) =>
      cookie.name.startsWith('dev_provider_session'),
    );
    if (providerCookies.length === 0) throw new Error('the provider set no session cookie');
    return { ...result, providerCookies };
  } finally {
    await session.context.close();
  }
}

async function sessionSignIn(providerCookies, credentials) {
  const session = await openContext(providerCookies);
  try {
    const result = await signInFromHome(session, credentials, { measureHeap: true });
    const heapAfterSignIn = await heapUsed(session.cdp);

    const { page, marks } = session;
    const from = marks.length;
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByRole('heading', { name: HOME_HEADING }).waitFor();
    const homeClick = await waitForMark(
      marks,
      (mark) => mark.kind === 'click' && mark.label === 'Home',
      'the click on "Home"',
      from,
    );
    const homeRendered = await waitForMark(
      marks,
      (mark) => mark.kind === 'heading' && mark.text === HOME_HEADING && mark.t > homeClick.t,
      'the home heading',
      from,
    );
    return { ...result, heapAfterSignIn, homeClick: homeClick.t, homeRendered: homeRendered.t };
  } finally {
    await session.context.close();
  }
}

async function heapUsed(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

function report({ machine, bundle, runs, failures, started, distChanged }) {
  const summary = summarizeRuns(runs);
  const requests = {
    sso: mergeEndpoints(
      runs.map((run) => run.sso.summary),
      median,
    ),
    first: mergeEndpoints(
      runs.map((run) => run.first.summary),
      median,
    ),
  };
  // The cuts are read off the run closest to the median request count: a typical one.
  const typical = runs
    .slice()
    .sort(
      (a, b) =>
        Math.abs(a.metrics.ssoRequests - summary.ssoRequests.median) -
        Math.abs(b.metrics.ssoRequests - summary.ssoRequests.median),
    )[0];
  const cuts = findCuts(typical.sso.requests, typical.origins, typical.sso.before);
  const formRuns = runs.filter((run) => run.usedForm).length;
  const method = [...METHOD];
  if (formRuns > 0) {
    method.push(
      `In ${formRuns} run(s) the provider showed the form despite its session cookie; those ` +
        'sign-ins were completed by filling the form, and (2)/(3) include it.',
    );
  }

  machine.loadAverageAfter = loadAverage();
  console.log(
    `\nMachine: ${machineLine(machine)} (after the runs: ${machine.loadAverageAfter.join(' / ')})\n`,
  );
  const busy = loadWarning(machine);
  if (busy) console.log(`WARNING: ${busy}\n`);
  if (distChanged) {
    console.log(
      'WARNING: dist/ was rebuilt by another process during the runs; the pages measured may ' +
        'come from a different build than the bundle table above.\n',
    );
  }
  console.log(
    `2–6. Sign-in and navigation: ${runs.length} run(s) after ${options.warmup} warm-up, each in ` +
      `fresh browser contexts (${failures.length} failed)\n`,
  );
  console.log(textTable(['Metric', 'Median', 'Min', 'Max'], metricRows(summary)));
  console.log('\nHow it is measured:');
  for (const line of method) console.log(`  - ${line}`);

  console.log(
    '\n4. Requests the sign-in makes today (existing provider session; median count per run, ' +
      'in order of first use; app = ' +
      `${stack.appOrigin}, provider = ${new URL(stack.issuer).origin}):`,
  );
  for (const line of endpointLines(requests.sso)) console.log(`  ${line}`);
  const late = summarizeRequests(typical.sso.late, typical.origins);
  if (late.total > 0) {
    console.log(`  …and within ${SETTLE_MS} ms after the page rendered (not counted above):`);
    for (const line of endpointLines(mergeEndpoints([late], median))) console.log(`  ${line}`);
  }
  console.log('\n   First sign-in (form) for comparison:');
  for (const line of endpointLines(requests.first)) console.log(`  ${line}`);

  console.log('\nWhat could be cut (reported only; the fixes belong to the app / hosting owners):');
  for (const cut of cuts) console.log(`  - [${cut.id}] (${cut.who}) ${cut.note}`);

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nDone in ${seconds} s.`);
  return {
    machine,
    options,
    stack: { issuer: stack.issuer, appOrigin: stack.appOrigin, apiUrl: stack.apiUrl },
    bundle,
    summary,
    runs: runs.length,
    failures,
    distChanged,
    requests,
    cuts,
    method,
    perRun: runs.map((run) => ({
      metrics: run.metrics,
      usedForm: run.usedForm,
      ssoRequests: run.sso.requests.map(publicRequest),
      firstRequests: run.first.requests.map(publicRequest),
    })),
    durationSeconds: Number(seconds),
  };
}

/** The JSON keeps what identifies a request, minus codes and state in the callback URL. */
function publicRequest(request) {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: `${url.origin}${url.pathname}`,
    resourceType: request.resourceType,
    initiator: request.initiator,
    preflight: request.preflight,
    status: request.status,
    cache: request.cache,
    bytes: request.bytes,
    time: request.time,
  };
}

function writeResults(result) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, 'bench.json');
  const markdown = join(RESULTS_DIR, 'bench.md');
  writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(markdown, toMarkdown(result));
  console.log(`Wrote ${relative(root, json)} and ${relative(root, markdown)}.`);
}
