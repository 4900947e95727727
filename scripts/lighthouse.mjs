// `npm run lighthouse`: Lighthouse's performance, accessibility, best-practices and SEO scores
// for the production build's home page, served by scripts/serve.mjs on a port of its own (4400 by
// default, BENCH_APP_PORT). Runs the mobile preset (Lighthouse's default: Moto G Power
// emulation, simulated slow 4G and 4× CPU slowdown) and the desktop preset, one run each, in the
// system Chromium. Prints the scores and the failing audits and writes bench-results/
// lighthouse.json plus the HTML reports (lighthouse.html for mobile, lighthouse-desktop.html).
//
//   node scripts/lighthouse.mjs [--preset mobile|desktop|both]   (build first: npm run build)
//
// Only the app server runs: the home page needs nothing but /config.json. The issuer in that
// config points at the (unused) bench provider port on localhost, so if the page ever did call
// it, the call would fail at once instead of leaving the machine. Chromium also resolves no host
// name but localhost (OFFLINE_ARGS), so nothing Lighthouse or the page tries can reach the
// internet; any such attempt is listed as an external request.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { summarizeLhr } from './bench-lighthouse.mjs';
import { loadWarning } from './bench-report.mjs';
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
const PRESETS = {
  mobile: { config: undefined, report: 'lighthouse.html' },
  desktop: { config: desktopConfig, report: 'lighthouse-desktop.html' },
};

const { values } = parseArgs({
  options: { preset: { type: 'string', default: 'both' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('Usage: node scripts/lighthouse.mjs [--preset mobile|desktop|both]');
  process.exit(0);
}
const presets = values.preset === 'both' ? ['mobile', 'desktop'] : [values.preset];
if (!presets.every((preset) => preset in PRESETS)) {
  console.error(`--preset must be mobile, desktop or both, not "${values.preset}".`);
  process.exit(2);
}

const stack = benchStack();
const children = [];
let chrome = null;
const cleanup = onceWithSignals(async () => {
  // chrome-launcher kills the Chromium it started (by its PID) and removes its profile dir.
  chrome?.kill();
  await stopAll(children);
});

try {
  const started = Date.now();
  if (!existsSync(join(DIST, 'browser/index.html'))) {
    throw new Error('there is no production build in dist/; run "npm run build" first.');
  }
  await startStack(stack, { app: true }, children);
  chrome = await launch({
    chromePath: findChromium(),
    chromeFlags: [...CHROMIUM_ARGS, '--headless=new', ...OFFLINE_ARGS],
    logLevel: 'silent',
  });

  const url = `${stack.appOrigin}/`;
  const machine = { ...machineInfo(), chromium: await chromeVersion(chrome.port) };
  const results = {};
  for (const preset of presets) {
    if (cleanup.interrupted) throw new Error('interrupted; no results written.');
    const presetStarted = Date.now();
    const runnerResult = await lighthouse(
      url,
      {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
        // Everything is on localhost: a page that is not loaded by then never will be. Lighthouse
        // waits 45 s by default.
        maxWaitForLoad: 20_000,
        maxWaitForFcp: 15_000,
      },
      PRESETS[preset].config,
    );
    if (!runnerResult) throw new Error(`Lighthouse returned no result for the ${preset} preset.`);
    const summary = summarizeLhr(runnerResult.lhr, CATEGORIES);
    summary.seconds = Math.round((Date.now() - presetStarted) / 100) / 10;
    results[preset] = summary;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, PRESETS[preset].report), runnerResult.report);
    print(preset, summary);
  }

  machine.loadAverageAfter = loadAverage();
  const file = join(RESULTS_DIR, 'lighthouse.json');
  writeFileSync(
    file,
    JSON.stringify({ machine, url, categories: CATEGORIES, presets: results }, null, 2) + '\n',
  );
  const reports = presets.map((preset) =>
    relative(root, join(RESULTS_DIR, PRESETS[preset].report)),
  );
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
  const failed = Object.entries(results).filter(([, summary]) => summary.runtimeError);
  if (failed.length > 0) {
    throw new Error(`Lighthouse could not audit the page (${failed.map(([p]) => p).join(', ')}).`);
  }
} catch (error) {
  console.error(`\nlighthouse: could not measure: ${error.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

function print(preset, summary) {
  console.log(
    `\n== Lighthouse ${summary.lighthouseVersion}, ${preset} preset (${summary.formFactor}, ` +
      `${summary.throttling} throttling, benchmarkIndex ${summary.benchmarkIndex}), ` +
      `${summary.finalUrl}, ${summary.seconds} s ==`,
  );
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
