// `npm test`: every check in one command — lint, formatting, unit tests (Karma), Node tests
// (sample API, embedded provider, scripts), the production build, then e2e (Playwright).
// Runs them all even when one fails, prints the counts per kind, and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const E2E_REPORT = join(root, 'test-results/e2e-results.json');

const steps = [
  { name: 'lint', run: [bin('ng'), 'lint'] },
  { name: 'format', run: [bin('prettier'), '--check', '.'] },
  { name: 'unit', run: [bin('ng'), 'test'], count: countKarma },
  {
    name: 'node',
    run: [
      process.execPath,
      '--test',
      '--test-reporter=spec',
      'api/**/*.test.mjs',
      'dev-provider/**/*.test.mjs',
      'scripts/**/*.test.mjs',
    ],
    count: countNodeTest,
  },
  { name: 'build', run: [bin('ng'), 'build'] },
  {
    name: 'e2e',
    run: [bin('playwright'), 'test'],
    count: countPlaywright,
    needs: 'build',
    before: () => rmSync(E2E_REPORT, { force: true }),
  },
];

// Unit and e2e tests need a browser: say in one sentence what to install rather than fail later.
try {
  findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const results = [];
const started = Date.now();
for (const step of steps) {
  if (step.needs && !results.find((r) => r.name === step.needs)?.ok) {
    results.push({ name: step.name, ok: false, note: `skipped: ${step.needs} failed` });
    continue;
  }
  step.before?.();
  console.log(`\n=== ${step.name}: ${step.run.slice(1).join(' ')}`);
  const stepStart = Date.now();
  const { code, output } = await run(step.run);
  const counts = step.count?.(output) ?? null;
  results.push({
    name: step.name,
    ok: code === 0,
    counts,
    seconds: (Date.now() - stepStart) / 1000,
  });
}

let passed = 0;
let failed = 0;
console.log('\n=== summary');
for (const { name, ok, counts, seconds, note } of results) {
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  }
  const detail = counts ? `${counts.passed} passed, ${counts.failed} failed` : (note ?? '');
  const time = seconds === undefined ? '' : `${seconds.toFixed(1)} s`;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(7)} ${detail.padEnd(26)} ${time}`);
}
const allOk = results.every((r) => r.ok);
// A failing step without test counts (lint, format, build) still counts as a failure.
const stepFailures = results.filter((r) => !r.ok && !r.counts?.failed).length;
console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`tests: ${passed} passed, ${failed + stepFailures} failed`);
process.exit(allOk ? 0 : 1);

function run([command, ...args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

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
