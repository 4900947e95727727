// `npm test`: every check in one command — lint, formatting, unit tests (Karma), Node tests
// (sample API, embedded provider, scripts), the production build, then e2e (Playwright).
// Runs them all even when one fails, prints the counts per kind, and exits non-zero on any failure.
// The steps before e2e run side by side, each one's output printed whole when it ends
// (run-steps.mjs); e2e runs alone at the end and streams its output.
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';
import { runSteps, summaryLines } from './run-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const E2E_REPORT = join(root, 'test-results/e2e-results.json');

/**
 * The steps, in the order they start; the slowest of the early ones (unit, build) go first.
 * e2e needs the build, and runs after everything else has ended: its tests measure time ("within
 * 2 seconds") and its two workers already keep both cores busy, so sharing them would make it
 * flaky rather than faster.
 */
const plan = [
  { name: 'unit', run: [bin('ng'), 'test'], count: countKarma },
  { name: 'build', run: [bin('ng'), 'build'] },
  {
    name: 'node',
    run: [
      process.execPath,
      '--test',
      // The Node tests mostly wait on servers they start, so more files than cores run at once.
      '--test-concurrency=4',
      '--test-reporter=spec',
      'api/**/*.test.mjs',
      'dev-provider/**/*.test.mjs',
      'scripts/**/*.test.mjs',
    ],
    count: countNodeTest,
  },
  { name: 'lint', run: [bin('ng'), 'lint'] },
  { name: 'format', run: [bin('prettier'), '--check', '.'] },
  {
    name: 'e2e',
    run: [bin('playwright'), 'test'],
    count: countPlaywright,
    needs: ['build'],
    after: ['unit', 'node', 'lint', 'format'],
    before: () => rmSync(E2E_REPORT, { force: true }),
  },
];

/** The summary lists the steps in the order they would run one by one. */
const SUMMARY_ORDER = ['lint', 'format', 'unit', 'node', 'build', 'e2e'];

// Unit and e2e tests need a browser: say in one sentence what to install rather than fail later.
try {
  findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const started = Date.now();
const results = await runSteps(plan, {
  maxRunning: Math.max(2, availableParallelism()),
  cwd: root,
});
results.sort((a, b) => SUMMARY_ORDER.indexOf(a.name) - SUMMARY_ORDER.indexOf(b.name));
console.log(`\n${summaryLines(results, (Date.now() - started) / 1000).join('\n')}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

function countKarma(output) {
  const total = [...output.matchAll(/TOTAL: (?:(\d+) FAILED, )?(\d+) SUCCESS/g)].pop();
  if (!total)
    return { passed: 0, failed: /TOTAL: (\d+) FAILED/.exec(output) ? Number(RegExp.$1) : 0 };
  return { passed: Number(total[2]), failed: Number(total[1] ?? 0) };
}

function countNodeTest(output) {
  const pick = (label) => Number(new RegExp(`^ℹ ${label} (\\d+)`, 'm').exec(output)?.[1] ?? 0);
  return { passed: pick('pass'), failed: pick('fail') };
}

function countPlaywright() {
  try {
    const { stats } = JSON.parse(readFileSync(E2E_REPORT, 'utf8'));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  } catch {
    return null;
  }
}
