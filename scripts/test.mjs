// `npm test`: every check in one command — lint, formatting, unit tests (Karma), Node tests
// (sample API, embedded provider, scripts), the production build, then e2e (Playwright).
// Runs them all even when one fails, prints the counts per kind, and exits non-zero on any failure.
// The steps before e2e run side by side, each printing its output whole when it ends; e2e then runs
// alone and streams its output (run-steps.mjs).
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';
import { runSteps, summaryLines } from './run-steps.mjs';
import { countKarma, countNodeTest, countPlaywright } from './test-counts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const E2E_REPORT = join(root, 'test-results/e2e-results.json');

/**
 * The steps, in the order they start. The five before e2e share the cores (about 60 s of CPU time
 * in all). e2e needs the build and runs after all of them: its workers keep both cores busy, and
 * its timed tests ("within 2 seconds") must not share them. Run beside e2e, even at a low priority,
 * the others slowed it down more than they saved and starved their own timed tests.
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
    count: () => countPlaywright(E2E_REPORT),
    needs: ['build'],
    after: ['unit', 'node', 'lint', 'format'],
    live: true,
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
// One step per core: more would only share the same CPU time and stretch the Node tests' timeouts.
const results = await runSteps(plan, {
  maxRunning: Math.max(2, availableParallelism()),
  cwd: root,
});
results.sort((a, b) => SUMMARY_ORDER.indexOf(a.name) - SUMMARY_ORDER.indexOf(b.name));
console.log(`\n${summaryLines(results, (Date.now() - started) / 1000).join('\n')}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
