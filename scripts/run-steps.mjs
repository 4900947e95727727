// Runs `npm test`'s steps side by side (scripts/test.mjs has the plan) and sums them up in the
// table and the `tests: N passed, N failed` line that CI reads.
import { spawn } from 'node:child_process';

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {string[]} run command and arguments
 * @property {string[]} [needs] steps that must have passed first; if one failed, this is skipped
 * @property {string[]} [after] steps that must have ended first, whether they passed or not
 * @property {(output: string) => ({ passed: number, failed: number } | null)} [count]
 * @property {() => void} [before] called just before the step starts
 *
 * @typedef {object} StepResult
 * @property {string} name
 * @property {boolean} ok
 * @property {{ passed: number, failed: number } | null} [counts]
 * @property {number} [seconds]
 * @property {string} [note]
 */

/**
 * Starts every step as soon as what it waits for has ended, at most `maxRunning` at a time, in
 * plan order. A step's output is held back and written whole when it ends, so two steps never
 * interleave; a step that runs alone, with nothing left that could start beside it, streams its
 * output as it comes. Resolves to the results in plan order.
 *
 * @param {Step[]} steps
 * @returns {Promise<StepResult[]>}
 */
export function runSteps(
  steps,
  { maxRunning = 2, cwd = process.cwd(), out = process.stdout } = {},
) {
  const results = new Map();
  const running = new Set();
  const waitsFor = (step) => [...(step.needs ?? []), ...(step.after ?? [])];
  return new Promise((resolve) => {
    const startReady = () => {
      for (const step of steps) {
        if (results.has(step.name) || running.has(step)) continue;
        const failedNeed = (step.needs ?? []).find((name) => results.get(name)?.ok === false);
        if (failedNeed) {
          results.set(step.name, {
            name: step.name,
            ok: false,
            note: `skipped: ${failedNeed} failed`,
          });
          continue;
        }
        if (!waitsFor(step).every((name) => results.has(name))) continue;
        if (running.size >= maxRunning) break;
        running.add(step);
        const live =
          running.size === 1 &&
          steps.every(
            (other) =>
              other === step || results.has(other.name) || waitsFor(other).includes(step.name),
          );
        void runStep(step, { live, cwd, out }).then((result) => {
          running.delete(step);
          results.set(step.name, result);
          startReady();
        });
      }
      if (running.size === 0) resolve(steps.map((step) => results.get(step.name)));
    };
    startReady();
  });
}

async function runStep(step, { live, cwd, out }) {
  step.before?.();
  const header = `\n=== ${step.name}: ${step.run.slice(1).join(' ')}`;
  if (live) out.write(`${header}\n`);
  const started = Date.now();
  const { code, output } = await runCommand(step.run, { live, cwd, out });
  const seconds = (Date.now() - started) / 1000;
  if (!live) {
    out.write(`${header} (${seconds.toFixed(1)} s, beside other steps)\n`);
    out.write(output.endsWith('\n') || !output ? output : `${output}\n`);
  }
  return { name: step.name, ok: code === 0, counts: step.count?.(output) ?? null, seconds };
}

/** Runs a command; `live` copies its output through as it comes, else it is only collected. */
function runCommand([command, ...args], { live, cwd, out }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        if (live) out.write(chunk);
      });
    }
    child.on('error', (error) => {
      const message = `${command}: ${error.message}\n`;
      output += message;
      if (live) out.write(message);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The summary: a line per step (`ok`/`FAIL`, counts or note, seconds), the total time, and
 * `tests: N passed, N failed`, where a failed step without test counts (lint, format, build, or a
 * runner that crashed before counting) counts as one failure, so the line never says 0 failed
 * for a failed run.
 *
 * @param {StepResult[]} results
 */
export function summaryLines(results, totalSeconds) {
  let passed = 0;
  let failed = 0;
  const lines = ['=== summary'];
  for (const { name, ok, counts, seconds, note } of results) {
    if (counts) {
      passed += counts.passed;
      failed += counts.failed;
    }
    const detail = counts ? `${counts.passed} passed, ${counts.failed} failed` : (note ?? '');
    const time = seconds === undefined ? '' : `${seconds.toFixed(1)} s`;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(7)} ${detail.padEnd(26)} ${time}`.trimEnd());
  }
  const stepFailures = results.filter((r) => !r.ok && !r.counts?.failed).length;
  lines.push(`total time ${totalSeconds.toFixed(1)} s`);
  lines.push(`tests: ${passed} passed, ${failed + stepFailures} failed`);
  return lines;
}
