// `npm run bench`: how big the app is and how fast signing in feels, as numbers to compare across
// changes (never a pass/fail test). Builds the production app with stats, starts the embedded
// provider, the sample API and scripts/serve.mjs on ports of their own (the app twice: DPoP on and
// off), then drives headless Chromium through cold loads, sign-ins, reloads, guarded deep links and
// API calls, each run in fresh browser contexts. Prints medians with min/max and writes
// bench-results/bench.json and bench-results/bench.md (git-ignored).
//
//   node scripts/bench.mjs [--runs N] [--warmup N] [--no-build]
//   BENCH_PROVIDER_PORT / BENCH_API_PORT / BENCH_APP_PORT / BENCH_APP_OFF_PORT change the ports
//   (3200/8200/4400/4401). BENCH_API_DPOP_NONCE=on makes the API send DPoP nonces (off by default).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import {
  analyzeBuild,
  budgetOf,
  budgetStatus,
  formatBuildTable,
  lazyChunkGroup,
} from './bench-bundle.mjs';
import {
  apiCall,
  deepLinkExit,
  findCuts,
  mergeEndpoints,
  recordNetwork,
  recordPaints,
  requestsBetween,
  scriptsBeforePaint,
  scriptsBeforeRender,
  summarizeRequests,
  tokenRequests,
  waterfall,
} from './bench-network.mjs';
import {
  dpopRows,
  endpointLines,
  hasOktaChunk,
  loadWarning,
  machineLine,
  median,
  metricRows,
  oktaChunkLine,
  scriptListLines,
  summarizeDpop,
  summarizeRuns,
  summarizeScripts,
  textTable,
  toMarkdown,
  transferNote,
  waterfallLines,
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
const CALLBACK_HEADING = 'Signing you in…';
/** The Okta chunk's name in the build (okta-runtime.ts, which main.ts imports beside config.json). */
const OKTA_CHUNK = 'okta-runtime';
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
    "is the DevTools timestamp of the browser's GET /login/callback. All are wall-clock ms on one machine. " +
    'The script waits for those marks from Node, not with Playwright locators, which would poll the ' +
    'page with role queries every frame while it is timed.',
  "Requests are every HTTP request the page's DevTools Network domain reports between the click and " +
    'the rendered heading: documents and each redirect hop, fetches, scripts, CORS preflights (Chromium ' +
    'reports them as separate OPTIONS requests with initiator "preflight"), the browser\'s own favicon ' +
    'checks, and requests answered from the cache (flagged); non-HTTP URLs (data:, chrome:, devtools:) ' +
    'are not counted.',
  'Heap: HeapProfiler.collectGarbage then Runtime.getHeapUsage().usedSize of the page; 1 MB = 2^20 ' +
    'bytes, as DevTools shows it.',
  'The embedded provider adds a consent redirect (/interaction/:uid → /v1/authorize/:uid) that Okta does ' +
    'not; it is in the counts and in (2), and listed under "could be cut" as provider-only.',
  '(7) Reload: in the signed-in context of (b), after (5), the header\'s "Profile" link, then ' +
    "page.reload(): from the DevTools timestamp of the browser's GET /profile to the Profile <h1> " +
    'rendered, the same start and end as (3). Both pages find the hashed scripts in the browser ' +
    'cache (immutable) and fetch config.json; (3) also exchanges the code, checks the ID token and ' +
    'fetches the profile chunk, (7) finds the tokens in storage and the chunk in the cache. ' +
    '(3) / (7) and (3) − (7) are per run, then the median.',
  'Scripts before first paint: on the cold load of / that starts (b) in a fresh context, every ' +
    "script the home page's document sent a request for before its first contentful paint. The " +
    "paint is Chromium's own: the firstContentfulPaint lifecycle event of that document (DevTools " +
    'Page.lifecycleEvent, matched to the GET / by its loaderId), the same instant as the ' +
    '"first-contentful-paint" entry of performance.getEntriesByType(\'paint\'), and on the same ' +
    "monotonic clock as the requests' DevTools timestamps, so the comparison needs no conversion " +
    '(the paint entry itself is rounded and relative to the page\'s time origin). Not "first-paint": ' +
    "here that is the root's background colour from styles.css, painted before any script runs. " +
    '"Requested before" is not "waited for": each script says when it was in, and "(after the first ' +
    'contentful paint)" marks one the paint did not wait for. "Okta chunk before first contentful ' +
    'paint" is yes when okta-runtime or a chunk only it imports is on the list. Raw is the decoded ' +
    'body, transfer the Content-Length of the (compressed) response.',
  'Callback: scripts before Profile renders: every script the callback page (b) requested, or ' +
    'took from the browser cache, from its GET /login/callback until the Profile <h1> is rendered ' +
    '(the end of (3)). Cache hits count at their raw size (from the build when the cache reported ' +
    "none) with no transfer: they still have to be parsed and run. The end is the page's own " +
    'clock (as for every "rendered"), which can be a millisecond or two off the DevTools clock.',
  '(9) Guarded deep link: a fresh context, signed out and with no provider session, opens /profile: ' +
    "from the DevTools timestamp of the browser's GET /profile to that of its request, in the same " +
    "frame, for the provider's /v1/authorize (the app leaving for the sign-in; the provider's " +
    'answer is not waited for). Once per run against each app variant, alternating the order.',
  "(10) Cold load of /: from the browser's GET / to the firstContentfulPaint event of the page, " +
    'both on the DevTools monotonic clock (the load the scripts before first paint are read from).',
  'DPoP on and off: the app is served twice from the one build (OKTA_DPOP=true and false); the ' +
    'provider (DEV_PROVIDER_DPOP=optional) and the API (API_DPOP=allowed) take both kinds of ' +
    'token. Every run repeats (b) against each app, alternating which goes first, in fresh contexts ' +
    'with the provider session of (a). "First API call": the header\'s "Messages" link on /profile ' +
    'until the messages <ul> is in the DOM and visible (chunk, proof, CORS preflight, nonce retry ' +
    'and render); "next API call": the page\'s Refresh button (preflight cached, nonce known). ' +
    '"on − off" is the median of the per-run differences.',
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
  const angularJson = JSON.parse(readFileSync(join(root, 'angular.json'), 'utf8'));
  const oktaChunk = lazyChunkGroup(bundle, OKTA_CHUNK);
  // A script the browser took from its memory cache may report no body: the build knows its size.
  const sizes = new Map(bundle.files.map((file) => [file.file, file.raw]));
  const budgets = {
    initial: budgetOf(angularJson, 'initial'),
    oktaChunk: budgetOf(angularJson, 'bundle', OKTA_CHUNK),
  };

  await startStack(stack, { provider: true, api: true, app: true, appOff: true }, children);
  const dpopSetting = await readDpopSetting();
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
      const run = await measureRun(index, sizes);
      const { metrics, dpop } = run;
      console.log(
        `${label}: sign-in ${metrics.ssoClickToProfile.toFixed(0)} ms, ` +
          `callback → profile ${metrics.ssoCallbackToProfile.toFixed(0)} ms, ` +
          `reload ${metrics.reloadProfile.toFixed(0)} ms, ` +
          `home nav ${metrics.navHome.toFixed(0)} ms, ${metrics.ssoRequests} requests, ` +
          `deep link → /v1/authorize ${metrics.deepLink.toFixed(0)} ms, ` +
          `home first contentful paint ${metrics.homeFirstPaint.toFixed(0)} ms; ` +
          `API ${dpop.on.metrics.apiFirst.toFixed(0)} ms; DPoP off: sign-in ` +
          `${dpop.off.metrics.signIn.toFixed(0)} ms, API ${dpop.off.metrics.apiFirst.toFixed(0)} ms` +
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
  if (runs.length === 0) {
    printBundle(bundle, null, oktaChunk, budgets);
    throw new Error('no run succeeded, so there is nothing to report.');
  }

  // serve.mjs reads dist/ on every request, so a rebuild by someone else mid-run mixes builds.
  const distChanged = readFileSync(join(DIST, 'browser/index.html'), 'utf8') !== shell;
  const result = report({
    machine,
    bundle,
    oktaChunk,
    budgets,
    dpopSetting,
    runs,
    failures,
    started,
    distChanged,
  });
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

/**
 * What each app variant's config.json says about DPoP: the comparison means nothing unless the
 * "on" app has `dpop: true` and the "off" app `dpop: false`.
 */
async function readDpopSetting() {
  const setting = {};
  for (const [name, variant] of Object.entries(stack.variants)) {
    const config = await (await fetch(`${variant.appOrigin}/config.json`)).json();
    setting[name] = 'dpop' in config ? config.dpop : null;
  }
  let problem = null;
  if (setting.on === null && setting.off === null) {
    problem =
      'config.json has no "dpop" key: this build of the app has no DPoP setting yet (OKTA_DPOP is ' +
      'ignored), so both variants are the same app and "on − off" shows only the noise of the measurement.';
  } else if (setting.on !== true || setting.off !== false) {
    problem =
      `config.json says dpop: ${setting.on} for the "on" app and ${setting.off} for the "off" ` +
      'app (expected true and false): scripts/settings.mjs does not map OKTA_DPOP as this script expects.';
  }
  if (problem) console.log(`\nWARNING: ${problem}\n`);
  return { ...setting, problem };
}

/**
 * The bundle table, with the measured script lists (`lists`: the home page's before its first
 * contentful paint, the callback's before Profile renders) under the initial total.
 */
function printBundle(bundle, lists, oktaChunk, budgets) {
  const { initialJs, initialCss } = bundle.totals;
  const { firstPaint = null, callback = null } = lists ?? {};
  const beside = [
    ...(firstPaint
      ? [
          [
            `Before first contentful paint (${firstPaint.files.median} scripts, measured)`,
            formatSize(firstPaint.raw.median),
            `${formatSize(firstPaint.transfer.median)} as served`,
          ],
        ]
      : []),
    ...(callback
      ? [
          [
            `Callback, before Profile renders (${callback.files.median} scripts, measured)`,
            formatSize(callback.raw.median),
            `${formatSize(callback.transfer.median)} over the network`,
          ],
        ]
      : []),
  ];
  console.log(
    `\n1. Initial bundle (${relative(root, DIST)}; initial files from ${bundle.source})\n`,
  );
  console.log(formatBuildTable(bundle, beside));
  console.log(
    `\nInitial JS:  ${formatSize(initialJs.raw)} raw, ${formatSize(initialJs.brotli)} estimated ` +
      `transfer (brotli), ${formatSize(initialJs.gzip)} gzip -6 — ${initialJs.files} file(s)\n` +
      `Initial CSS: ${formatSize(initialCss.raw)} raw, ${formatSize(initialCss.brotli)} estimated ` +
      `transfer (brotli), ${formatSize(initialCss.gzip)} gzip -6 — ${initialCss.files} file(s)\n` +
      '"Estimated transfer size" is computed as ng build does it (@angular/build ' +
      'calculateEstimatedTransferSizes): brotli at quality 11 per file, raw size for files under ' +
      '1 KiB. scripts/serve.mjs sends brotli (or gzip) when the browser accepts it.',
  );
  if (budgets.initial) {
    console.log(
      `Initial total against angular.json's budget (${budgets.initial.warning} warning, ` +
        `${budgets.initial.error} error): ${budgetStatus(bundle.totals.initial.raw, budgets.initial)}.`,
    );
  }
  if (oktaChunk) {
    const budget = budgets.oktaChunk
      ? `; angular.json budget ${budgets.oktaChunk.warning} warning, ${budgets.oktaChunk.error} ` +
        `error: ${budgetStatus(oktaChunk.raw, budgets.oktaChunk)}`
      : '';
    console.log(
      `Okta chunk (${OKTA_CHUNK}, with DPoP support as built; ${oktaChunk.files.join(' + ')}): ` +
        `${formatSize(oktaChunk.raw)} raw, ${formatSize(oktaChunk.brotli)} estimated transfer ` +
        `(brotli), ${formatSize(oktaChunk.gzip)} gzip -6${budget}. It is "lazy" to ng build, but ` +
        'main.ts loads it on every page. OKTA_DPOP does not change it (one build ' +
        'serves both settings): compare it across commits to see what DPoP support costs.',
    );
  }
  const range = ({ files }) =>
    files.min === files.max ? '' : `; ${files.min}–${files.max} scripts across runs`;
  if (firstPaint) {
    console.log('');
    for (const line of firstPaint.lines) console.log(line);
    console.log(firstPaint.oktaChunk.line);
    console.log(
      `  (the typical run's cold load of / in a fresh context; medians in the table above` +
        `${range(firstPaint)})`,
    );
  }
  if (callback) {
    console.log('');
    for (const line of callback.lines) console.log(line);
    console.log(
      `  (the typical run's callback page, DPoP on, existing provider session${range(callback)})`,
    );
  }
  console.log('');
}

/**
 * One run: a first sign-in through the form, then a sign-in with the provider session alone
 * against each app variant (DPoP on and off, the order alternating between runs).
 */
async function measureRun(index, sizes) {
  const [user] = DEMO_USERS;
  const credentials = {
    username: user.email,
    password: process.env.DEV_PROVIDER_PASSWORD || user.password,
  };
  const first = await firstSignIn(credentials);
  const order = index % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
  const sessions = {};
  // Each sign-in hands on the provider session as it left it: the provider may have replaced
  // the cookie, and the old one would get the form instead of a session.
  let providerCookies = first.providerCookies;
  for (const name of order) {
    sessions[name] = await sessionSignIn(stack.variants[name], providerCookies, credentials, sizes);
    providerCookies = sessions[name].providerCookies;
  }
  const deepLinks = {};
  for (const name of order) deepLinks[name] = await guardedDeepLink(stack.variants[name]);
  const sso = sessions.on;
  const originsOf = (variant) => ({
    app: variant.appOrigin,
    provider: new URL(stack.issuer).origin,
    api: new URL(stack.apiUrl).origin,
  });
  const origins = originsOf(stack.variants.on);
  const ssoSummary = summarizeRequests(sso.requests, origins);
  const firstSummary = summarizeRequests(first.requests, origins);
  const callbackToProfile = sso.profile - sso.callback;
  const reload = sso.reload.rendered - sso.reload.start;
  return {
    metrics: {
      ssoClickToProfile: sso.profile - sso.click,
      ssoClickToCallback: sso.callback - sso.click,
      ssoCallbackToProfile: callbackToProfile,
      firstClickToProfile: first.profile - first.click,
      firstSubmitToProfile: first.profile - first.submit,
      firstCallbackToProfile: first.profile - first.callback,
      navHome: sso.homeRendered - sso.homeClick,
      ratio: (sso.profile - sso.click) / (sso.homeRendered - sso.homeClick),
      reloadProfile: reload,
      callbackOverReload: callbackToProfile / reload,
      signInCost: callbackToProfile - reload,
      deepLink: deepLinks.on.duration,
      homeFirstPaint: sso.firstPaint.until - sso.firstPaint.documentAt,
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
    sso: {
      summary: ssoSummary,
      requests: sso.requests,
      late: sso.late,
      before: sso.before,
      callback: sso.callback,
      profile: sso.profile,
      callbackMarks: sso.callbackMarks,
      reload: sso.reload,
      home: sso.home,
    },
    firstPaint: sso.firstPaint,
    callbackScripts: sso.callbackScripts,
    deepLink: deepLinks.on,
    // The DPoP-off sign-in's callback, for its waterfall beside the DPoP-on one.
    off: {
      requests: sessions.off.requests,
      callback: sessions.off.callback,
      profile: sessions.off.profile,
      callbackMarks: sessions.off.callbackMarks,
      origins: originsOf(stack.variants.off),
    },
    first: { summary: firstSummary, requests: first.requests, late: first.late },
    origins,
    dpop: {
      on: variantResult(sso, originsOf(stack.variants.on), deepLinks.on),
      off: variantResult(sessions.off, originsOf(stack.variants.off), deepLinks.off),
    },
  };
}

/** The DPoP comparison's figures for one variant's session, and what proves which kind it was. */
function variantResult(session, origins, deepLink) {
  const tokens = tokenRequests(session.requests);
  const { firstCall, nextCall } = session.api;
  return {
    metrics: {
      signIn: session.profile - session.click,
      callbackToProfile: session.profile - session.callback,
      signInRequests: summarizeRequests(session.requests, origins).total,
      tokenRequests: tokens.requests,
      apiFirst: firstCall.listed - firstCall.click,
      apiFirstNetwork: firstCall.summary.span,
      apiFirstRequests: firstCall.summary.requests,
      apiRepeat: nextCall.listed - nextCall.click,
      apiRepeatNetwork: nextCall.summary.span,
      apiRepeatRequests: nextCall.summary.requests,
      reload: session.reload.rendered - session.reload.start,
      deepLink: deepLink.duration,
      heapAfterSignIn: session.heapAfterSignIn,
    },
    evidence: {
      usedForm: session.usedForm,
      tokenType: session.tokenType,
      tokenProofs: tokens.proofs,
      tokenNonceChallenges: tokens.nonceChallenges,
      apiSchemes: [...new Set([...firstCall.summary.schemes, ...nextCall.summary.schemes])],
      apiProofs: firstCall.summary.proofs + nextCall.summary.proofs,
      apiNonceChallenges: firstCall.summary.nonceChallenges + nextCall.summary.nonceChallenges,
      apiOtherUnauthorized:
        firstCall.summary.otherUnauthorized + nextCall.summary.otherUnauthorized,
    },
  };
}

/**
 * A fresh context with the probe installed: a binding the page calls with in-page timestamps
 * (the binding's own latency does not matter, the time travels as an argument) and the recorder
 * of every request the page makes and of its paints.
 */
async function openContext(cookies = []) {
  const context = await browser.newContext();
  if (cookies.length > 0) await context.addCookies(cookies);
  const marks = [];
  await context.exposeBinding('__benchMark', (_source, mark) => void marks.push(mark));
  await context.addInitScript(pageProbe, [HOME_HEADING, PROFILE_HEADING, CALLBACK_HEADING]);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const cdp = await context.newCDPSession(page);
  const requests = recordNetwork(cdp);
  const paints = recordPaints(cdp);
  await cdp.send('Network.enable');
  await cdp.send('Page.enable');
  await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
  return { context, page, cdp, marks, requests, paints };
}

/**
 * Runs in every document of the context before its own scripts. Reports, in epoch ms: clicks
 * (event time); the bootstrap (Angular sets ng-version on the root element when it creates the
 * root component); the first moment each watched <h1> is in the DOM and visible; a password field
 * (the provider's form); and each new messages list (the messages page's <ul class="messages">,
 * created anew on every load).
 */
function pageProbe(headings) {
  /* global window, location, addEventListener, Element, document, MutationObserver */
  const mark = (entry) => window.__benchMark?.({ url: location.href, ...entry });
  const now = () => performance.timeOrigin + performance.now();
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
  let bootstrapped = false;
  const check = () => {
    if (!bootstrapped && document.querySelector('[ng-version]')) {
      bootstrapped = true;
      mark({ kind: 'bootstrap', t: now() });
    }
    for (const heading of document.getElementsByTagName('h1')) {
      if (seen.has(heading)) continue;
      const text = heading.textContent.trim();
      if (!headings.includes(text) || !heading.checkVisibility()) continue;
      seen.add(heading);
      mark({ kind: 'heading', text, t: now() });
    }
    const password = document.querySelector('input[type="password"]');
    if (password && !seen.has(password) && password.checkVisibility()) {
      seen.add(password);
      mark({ kind: 'password-form', t: now() });
    }
    for (const list of document.querySelectorAll('ul.messages')) {
      if (seen.has(list) || !list.checkVisibility()) continue;
      seen.add(list);
      mark({ kind: 'list', t: now() });
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['ng-version'],
  });
}

/** The first mark (from index `from` on) that matches; marks arrive asynchronously. */
function waitForMark(marks, predicate, what, from = 0) {
  return waitFor(() => marks.slice(from).find(predicate), what);
}

/** The first truthy value of `check`, polled; DevTools events and marks arrive asynchronously. */
async function waitFor(check, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    const found = check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The browser's request for a page of `origin` at `pathname`, sent at or after `after`. */
function documentRequest(requests, origin, pathname, after) {
  const request = requests.find(
    (entry) =>
      entry.resourceType === 'Document' &&
      entry.time >= after &&
      new URL(entry.url).origin === origin &&
      new URL(entry.url).pathname === pathname,
  );
  if (!request) throw new Error(`the browser never requested ${pathname}`);
  return request;
}

/**
 * Opens the home page, clicks "Sign in with Okta" (it returns to /profile, a guarded page; the
 * header's "Sign in" returns to the public home page) and waits until Profile is rendered.
 */
async function signInFromHome(
  session,
  credentials,
  origin,
  { measureHeap = false, sizes = new Map() } = {},
) {
  const { page, marks } = session;
  const opened = Date.now();
  await page.goto(`${origin}/`);
  const button = page.getByRole('button', { name: 'Sign in with Okta' });
  await button.waitFor();
  const bootstrap = await waitForMark(
    marks,
    (mark) => mark.kind === 'bootstrap',
    'the bootstrap of the home page',
  );
  const homeRendered = await waitForMark(
    marks,
    (mark) => mark.kind === 'heading' && mark.text === HOME_HEADING,
    'the home heading',
  );
  // Chromium reports the paint after the frame is presented, which can be after the heading is
  // in the DOM: wait for it, so the list of scripts before it is complete.
  const home = documentRequest(session.requests, origin, '/', opened);
  await waitFor(
    () =>
      session.paints.some(
        (paint) => paint.name === 'firstContentfulPaint' && paint.loaderId === home.loaderId,
      ),
    'the first contentful paint of the home page',
  );
  const heapHome = measureHeap ? await heapUsed(session.cdp) : null;
  const since = Date.now();
  const from = marks.length;
  await button.click();
  const click = await waitForMark(
    marks,
    (mark) => mark.kind === 'click' && mark.label === 'Sign in with Okta',
    'the click on "Sign in with Okta"',
    from,
  );

  // Whichever comes first: the rendered profile (provider session honoured) or the hosted form.
  // Waiting on the probe's marks, not on Playwright locators: those poll the page with role and
  // name queries every frame, work the page would do on top of signing in while it is timed.
  const isProfile = (mark) =>
    mark.kind === 'heading' && mark.text === PROFILE_HEADING && mark.t > click.t;
  const next = await waitForMark(
    marks,
    (mark) => isProfile(mark) || mark.kind === 'password-form',
    'the Profile heading or the sign-in form',
    from,
  );
  const usedForm = next.kind === 'password-form';
  if (usedForm) {
    await page.getByLabel('Username').fill(credentials.username);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  const profile = await waitForMark(marks, isProfile, 'the Profile heading', from);
  const submit = usedForm
    ? marks.find((mark) => mark.kind === 'click' && mark.url.startsWith(stack.issuer))
    : null;
  await page.waitForTimeout(SETTLE_MS);
  const callbackRequest = documentRequest(session.requests, origin, '/login/callback', since);
  const callback = callbackRequest.time;
  // The callback page's own moments, for its waterfall.
  const onCallback = (kind, text) =>
    marks.find(
      (mark) =>
        mark.kind === kind && (text === undefined || mark.text === text) && mark.t >= callback,
    )?.t ?? null;
  const requests = requestsBetween(session.requests, since, profile.t);
  const late = requestsBetween(session.requests, profile.t + 0.001, Infinity);
  const before = session.requests.filter((request) => request.time < since);
  return {
    before,
    click: click.t,
    submit: submit?.t ?? null,
    callback,
    profile: profile.t,
    callbackMarks: {
      bootstrap: onCallback('bootstrap'),
      signingIn: onCallback('heading', CALLBACK_HEADING),
    },
    requests,
    late,
    usedForm,
    heapHome,
    firstPaint: scriptsBeforePaint(before, session.paints, { sizes }),
    callbackScripts: scriptsBeforeRender(requests, callbackRequest, profile.t, { sizes }),
    home: {
      bootstrap: bootstrap.t,
      rendered: homeRendered.t,
      requests: before,
      // Both paints of the home document, on the clock of the requests (ms since the epoch).
      paints: Object.fromEntries(
        session.paints
          .filter((paint) => paint.loaderId === home.loaderId)
          .map((paint) => [paint.name, home.time + (paint.monotonic - home.monotonic)]),
      ),
    },
  };
}

async function firstSignIn(credentials) {
  const session = await openContext();
  try {
    const result = await signInFromHome(session, credentials, stack.appOrigin);
    if (!result.usedForm) throw new Error('a fresh context signed in without the form');
    return { ...result, providerCookies: await providerSession(session.context) };
  } finally {
    await session.context.close();
  }
}

/** The provider's session cookies; the interaction cookies belong to finished flows. */
async function providerSession(context) {
  const cookies = (await context.cookies(stack.issuer)).filter((cookie) =>
    cookie.name.startsWith('dev_provider_session'),
  );
  if (cookies.length === 0) throw new Error('the provider set no session cookie');
  return cookies;
}

/**
 * In a fresh context holding the provider session: signs in to `variant`'s app, measures the heap,
 * navigates home in the app, goes back to /profile and reloads it, then calls the API from the
 * messages page twice.
 */
async function sessionSignIn(variant, providerCookies, credentials, sizes) {
  const session = await openContext(providerCookies);
  try {
    const result = await signInFromHome(session, credentials, variant.appOrigin, {
      measureHeap: true,
      sizes,
    });
    const heapAfterSignIn = await heapUsed(session.cdp);

    const { page, marks } = session;
    const nav = page.getByRole('navigation', { name: 'Main' });
    let from = marks.length;
    await page.getByRole('link', { name: 'Home', exact: true }).click();
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

    from = marks.length;
    await nav.getByRole('link', { name: 'Profile', exact: true }).click();
    await waitForMark(
      marks,
      (mark) => mark.kind === 'heading' && mark.text === PROFILE_HEADING,
      'the Profile heading after the "Profile" link',
      from,
    );
    const reload = await reloadPage(session, variant.appOrigin, '/profile', PROFILE_HEADING);
    const api = await callApi(session);
    const tokenType = await page.evaluate(() => {
      try {
        return JSON.parse(sessionStorage.getItem('okta-token-storage'))?.accessToken?.tokenType;
      } catch {
        return null;
      }
    });
    return {
      ...result,
      providerCookies: await providerSession(session.context),
      heapAfterSignIn,
      homeClick: homeClick.t,
      homeRendered: homeRendered.t,
      reload,
      api,
      tokenType: tokenType ?? null,
    };
  } finally {
    await session.context.close();
  }
}

/**
 * Reloads the page (at `pathname`) and returns the times from the browser's document request to
 * the page's heading rendered, with the requests in between.
 */
async function reloadPage(session, origin, pathname, heading) {
  const { page, marks } = session;
  const since = Date.now();
  const from = marks.length;
  await page.reload();
  const start = documentRequest(session.requests, origin, pathname, since).time;
  const rendered = await waitForMark(
    marks,
    (mark) => mark.kind === 'heading' && mark.text === heading && mark.t > start,
    `the ${heading} heading after the reload`,
    from,
  );
  const bootstrap = marks.slice(from).find((mark) => mark.kind === 'bootstrap' && mark.t > start);
  return {
    start,
    rendered: rendered.t,
    bootstrap: bootstrap?.t ?? null,
    requests: requestsBetween(session.requests, start, rendered.t),
  };
}

/**
 * A guarded deep link, signed out: a fresh context (no provider session, nothing stored) opens
 * `variant`'s /profile, until the browser requests the provider's /v1/authorize. The provider's
 * answer is not waited for; closing the context ends the flow.
 */
async function guardedDeepLink(variant) {
  const session = await openContext();
  try {
    const url = `${variant.appOrigin}/profile`;
    // "commit": the page leaves for the provider by itself, maybe before its own load event.
    await session.page.goto(url, { waitUntil: 'commit' });
    const exit = await waitFor(
      () => deepLinkExit(session.requests, url, `${stack.issuer}/v1/authorize`),
      'the guarded /profile to leave for /v1/authorize',
    );
    const bootstrap = session.marks.find(
      (mark) => mark.kind === 'bootstrap' && mark.t >= exit.start,
    );
    return { ...exit, bootstrap: bootstrap?.t ?? null };
  } finally {
    await session.context.close();
  }
}

/**
 * From /profile: the header's "Messages" link (the first API call of the page), then its Refresh
 * button (the next one), each until the messages list is rendered again.
 */
async function callApi(session) {
  const { page } = session;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const firstCall = await untilListed(session, 'Messages', () =>
    nav.getByRole('link', { name: 'Messages', exact: true }).click(),
  );
  const nextCall = await untilListed(session, 'Refresh', () =>
    page.getByRole('button', { name: 'Refresh', exact: true }).click(),
  );
  return { firstCall, nextCall };
}

async function untilListed(session, label, click) {
  const { page, marks } = session;
  const from = marks.length;
  await click();
  const clicked = await waitForMark(
    marks,
    (mark) => mark.kind === 'click' && mark.label === label,
    `the click on "${label}"`,
    from,
  );
  let listed;
  try {
    listed = await waitForMark(
      marks,
      (mark) => mark.kind === 'list' && mark.t > clicked.t,
      'the messages list',
      from,
    );
  } catch (error) {
    const alert = await page
      .getByRole('alert')
      .allTextContents()
      .catch(() => []);
    throw new Error(`${error.message}${alert.length > 0 ? ` (the page says: ${alert[0]})` : ''}`, {
      cause: error,
    });
  }
  const requests = requestsBetween(session.requests, clicked.t, listed.t);
  return {
    click: clicked.t,
    listed: listed.t,
    summary: apiCall(requests, new URL(stack.apiUrl).origin),
    requests,
  };
}

async function heapUsed(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/**
 * The measured script lists over the runs, ready to print and to write: the home page's scripts
 * before its first contentful paint (with whether the Okta chunk was among them in each run) and
 * the callback page's before Profile renders. Each has the medians of its totals and the typical
 * run's list.
 */
function summarizeScriptLists(runs, names, oktaChunk) {
  const entry = (lists, options) => {
    const summary = summarizeScripts(lists);
    if (!summary) return null;
    const { typical } = summary;
    return {
      files: summary.files,
      raw: summary.raw,
      transfer: summary.transfer,
      fromCache: summary.fromCache,
      transferNote: transferNote(typical.totals.encodings),
      document: new URL(typical.document).pathname,
      until: typical.until - typical.documentAt,
      scripts: typical.scripts.map((script) => ({
        file: script.file,
        url: new URL(script.url).pathname,
        name: names.get(script.file) ?? null,
        raw: script.raw,
        transfer: script.transfer,
        encoding: script.encoding,
        cache: script.cache,
        requested: script.time - typical.documentAt,
        in: script.end === null ? null : script.end - typical.documentAt,
      })),
      other: typical.other,
      lines: scriptListLines(typical, { names, ...options }),
    };
  };
  const paintLists = runs.map((run) => run.firstPaint);
  const firstPaint = entry(paintLists, {
    title: "Scripts before the home page's first contentful paint",
    mark: 'first contentful paint',
    from: 'GET /',
  });
  if (firstPaint) {
    const found = oktaChunk
      ? paintLists.filter(Boolean).map((list) => hasOktaChunk(list, oktaChunk.files))
      : null;
    firstPaint.oktaChunk = found
      ? {
          runs: found.filter(Boolean).length,
          of: found.length,
          line: oktaChunkLine(found, 'first contentful paint'),
        }
      : {
          runs: null,
          of: paintLists.length,
          line: `Okta chunk before first contentful paint: the build has no ${OKTA_CHUNK} chunk`,
        };
  }
  const callback = entry(
    runs.map((run) => run.callbackScripts),
    {
      title: 'Callback: scripts before Profile renders',
      mark: 'Profile rendered',
      from: 'GET /login/callback',
    },
  );
  return { firstPaint, callback };
}

/** What the runs show each variant was: the token type and the headers actually sent. */
function dpopEvidence(runs, variant) {
  const evidence = runs.map((run) => run.dpop[variant].evidence);
  const count = (predicate) => evidence.filter(predicate).length;
  const types = [...new Set(evidence.map((entry) => entry.tokenType ?? 'unknown'))];
  const schemes = [...new Set(evidence.flatMap((entry) => entry.apiSchemes))];
  return {
    tokenTypes: types,
    apiSchemes: schemes,
    runsWithTokenProof: count((entry) => entry.tokenProofs > 0),
    runsWithApiProof: count((entry) => entry.apiProofs > 0),
    tokenNonceChallenges: median(evidence.map((entry) => entry.tokenNonceChallenges)),
    apiNonceChallenges: median(evidence.map((entry) => entry.apiNonceChallenges)),
    apiOtherUnauthorized: evidence.reduce((total, entry) => total + entry.apiOtherUnauthorized, 0),
    line:
      `access token type ${types.join(' / ')}; API Authorization scheme ${schemes.join(' / ') || 'none'}; ` +
      `DPoP proof at /v1/token in ${count((entry) => entry.tokenProofs > 0)}/${runs.length} runs, ` +
      `to the API in ${count((entry) => entry.apiProofs > 0)}/${runs.length}; nonce challenges ` +
      `per run (median): token ${median(evidence.map((entry) => entry.tokenNonceChallenges))}, ` +
      `API ${median(evidence.map((entry) => entry.apiNonceChallenges))}` +
      (count((entry) => entry.usedForm) > 0
        ? `; the provider showed its form in ${count((entry) => entry.usedForm)} run(s), ` +
          'which the sign-in times include'
        : ''),
  };
}

/** A warning when what was sent does not match the variant: no proofs with DPoP on, or some off. */
function dpopMismatch(evidence) {
  if (evidence.on.runsWithTokenProof === 0) {
    return (
      'with DPoP on, no token request carried a DPoP proof: this build of the app does not use ' +
      'DPoP (built before the app supported it?), so "on" measured Bearer tokens.'
    );
  }
  if (evidence.off.runsWithTokenProof > 0 || evidence.off.runsWithApiProof > 0) {
    return 'with DPoP off, some requests carried a DPoP proof: OKTA_DPOP=false did not turn it off.';
  }
  return null;
}

function report({
  machine,
  bundle,
  oktaChunk,
  budgets,
  dpopSetting,
  runs,
  failures,
  started,
  distChanged,
}) {
  const summary = summarizeRuns(runs);
  const names = new Map(
    bundle.files.filter((file) => file.name !== '-').map((file) => [file.file, file.name]),
  );
  const lists = summarizeScriptLists(runs, names, oktaChunk);
  const dpop = summarizeDpop(runs);
  const evidence = { on: dpopEvidence(runs, 'on'), off: dpopEvidence(runs, 'off') };
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
  // The cuts and the waterfalls are read off the run closest to the median callback → Profile
  // time: a typical one.
  const typical = runs
    .slice()
    .sort(
      (a, b) =>
        Math.abs(a.metrics.ssoCallbackToProfile - summary.ssoCallbackToProfile.median) -
        Math.abs(b.metrics.ssoCallbackToProfile - summary.ssoCallbackToProfile.median),
    )[0];
  const cuts = findCuts(typical.sso.requests, typical.origins, typical.sso.before, {
    callback: typical.sso.callback,
    rendered: typical.sso.profile,
    bootstrap: typical.sso.callbackMarks.bootstrap,
    names,
  });
  const waterfalls = typicalWaterfalls(typical, names);
  const formRuns = runs.filter((run) => run.usedForm).length;
  const method = [...METHOD];
  if (formRuns > 0) {
    method.push(
      `In ${formRuns} run(s) the provider showed the form despite its session cookie; those ` +
        'sign-ins were completed by filling the form, and (2)/(3) include it.',
    );
  }

  printBundle(bundle, lists, oktaChunk, budgets);
  machine.loadAverageAfter = loadAverage();
  console.log(
    `Machine: ${machineLine(machine)} (after the runs: ${machine.loadAverageAfter.join(' / ')})\n`,
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
    `2–7, 9–10. Sign-in, navigation, reload, deep link and first paint: ${runs.length} run(s) ` +
      `after ${options.warmup} warm-up, ` +
      `each in fresh browser contexts, DPoP on (${failures.length} failed)\n`,
  );
  console.log(textTable(['Metric', 'Median', 'Min', 'Max'], metricRows(summary)));

  console.log(
    `\n8. DPoP on and off, same runs (app ${stack.variants.on.appOrigin} with OKTA_DPOP=true, ` +
      `${stack.variants.off.appOrigin} with OKTA_DPOP=false)\n`,
  );
  for (const warning of [dpopSetting.problem, dpopMismatch(evidence)].filter(Boolean)) {
    console.log(`WARNING: ${warning}\n`);
  }
  console.log(
    textTable(
      ['Metric (median)', 'DPoP on', 'DPoP off', 'on − off', 'on − off, range'],
      dpopRows(dpop),
    ),
  );
  console.log(`\n  DPoP on:  ${evidence.on.line}`);
  console.log(`  DPoP off: ${evidence.off.line}`);

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

  for (const { title, lines } of waterfalls) {
    console.log(`\n${title}:`);
    for (const line of lines) console.log(`  ${line}`);
  }

  console.log('\nWhat could be cut (reported only; the fixes belong to the app / hosting owners):');
  for (const cut of cuts) console.log(`  - [${cut.id}] (${cut.who}) ${cut.note}`);

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nDone in ${seconds} s.`);
  return {
    machine,
    options,
    stack: {
      issuer: stack.issuer,
      appOrigin: stack.appOrigin,
      appOffOrigin: stack.variants.off.appOrigin,
      apiUrl: stack.apiUrl,
    },
    bundle,
    oktaChunk,
    budgets,
    firstPaint: lists.firstPaint,
    callbackScripts: lists.callback,
    summary,
    dpop: { setting: dpopSetting, mismatch: dpopMismatch(evidence), summary: dpop, evidence },
    runs: runs.length,
    failures,
    distChanged,
    requests,
    waterfalls,
    cuts,
    method,
    perRun: runs.map((run) => ({
      metrics: run.metrics,
      // The callback page's moments, in ms from its GET, for both variants.
      callbackMarks: Object.fromEntries(
        [
          ['on', run.sso],
          ['off', run.off],
        ].map(([variant, session]) => [
          variant,
          {
            bootstrap: session.callbackMarks.bootstrap - session.callback,
            signingIn: session.callbackMarks.signingIn - session.callback,
            rendered: session.profile - session.callback,
          },
        ]),
      ),
      offRequests: run.off.requests
        .filter((request) => request.time >= run.off.callback)
        .map(publicRequest),
      dpop: { on: run.dpop.on, off: run.dpop.off },
      usedForm: run.usedForm,
      ssoRequests: run.sso.requests.map(publicRequest),
      firstRequests: run.first.requests.map(publicRequest),
      reloadRequests: run.sso.reload.requests.map(publicRequest),
      deepLinkRequests: run.deepLink.requests.map(publicRequest),
      // Each run's script lists, by file, with their totals (the typical run's are in full above).
      firstPaintScripts: scriptFiles(run.firstPaint),
      callbackScripts: scriptFiles(run.callbackScripts),
    })),
    durationSeconds: Number(seconds),
  };
}

/**
 * The typical run's waterfalls: the callback page (from its GET to Profile rendered), the reload
 * of /profile, the cold load of / that the scripts before first paint are taken from, and the
 * guarded deep link.
 */
function typicalWaterfalls(run, names) {
  const { sso, origins } = run;
  const since = (start, marks) =>
    marks.filter(([at]) => at !== null).map(([at, label]) => ({ at: at - start, label }));
  const reload = sso.reload;
  const homeStart = run.firstPaint?.documentAt ?? sso.home.requests[0]?.time ?? sso.home.bootstrap;
  const { deepLink } = run;
  const callbackLines = (session, sessionOrigins) =>
    waterfallLines(
      waterfall(session.requests, {
        start: session.callback,
        until: session.profile,
        origins: sessionOrigins,
        names,
      }),
      since(session.callback, [
        [session.callbackMarks.bootstrap, 'app bootstrapped (root component created)'],
        [session.callbackMarks.signingIn, '"Signing you in…" rendered'],
        [session.profile, 'Profile rendered'],
      ]),
    );
  return [
    {
      id: 'callback',
      title:
        "Waterfall of the callback page (typical run, DPoP on; ms from the browser's GET /login/callback)",
      lines: callbackLines(sso, origins),
    },
    {
      id: 'callback-dpop-off',
      title: 'Waterfall of the callback page with DPoP off (same run)',
      lines: callbackLines(run.off, run.off.origins),
    },
    {
      id: 'reload',
      title: "Waterfall of the reload of /profile (same run; ms from the browser's GET /profile)",
      lines: waterfallLines(
        waterfall(reload.requests, { start: reload.start, until: reload.rendered, origins, names }),
        since(reload.start, [
          [reload.bootstrap, 'app bootstrapped (root component created)'],
          [reload.rendered, 'Profile rendered'],
        ]),
      ),
    },
    {
      id: 'cold-home',
      title:
        'Waterfall of the cold load of / the scripts before first paint are read from (same run; ' +
        'ms from the GET /, until the click on "Sign in with Okta")',
      lines: waterfallLines(
        waterfall(sso.home.requests, { start: homeStart, origins, names }),
        since(homeStart, [
          [sso.home.bootstrap, 'app bootstrapped (root component created)'],
          [sso.home.paints.firstPaint ?? null, 'first paint'],
          [sso.home.paints.firstContentfulPaint ?? null, 'first contentful paint'],
          [sso.home.rendered, 'home heading rendered'],
        ]),
      ),
    },
    {
      id: 'deep-link',
      title:
        "Waterfall of the guarded deep link, signed out (same run, DPoP on; ms from the browser's " +
        'GET /profile until it requests /v1/authorize)',
      lines: waterfallLines(
        waterfall(deepLink.requests, { start: deepLink.start, origins, names }),
        since(deepLink.start, [[deepLink.bootstrap, 'app bootstrapped (root component created)']]),
      ),
    },
  ];
}

function scriptFiles(list) {
  return list && { files: list.scripts.map((script) => script.file), totals: list.totals };
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
    bodyBytes: request.bodyBytes,
    decodedBytes: request.decodedBytes,
    encoding: request.encoding,
    authScheme: request.authScheme,
    dpopProof: request.dpopProof,
    dpopNonce: request.dpopNonce,
    time: request.time,
    end: request.end,
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
