// Runs `npm test`'s steps side by side (scripts/test.mjs has the plan) and sums them up in the
// table and the `tests: N passed, N failed` line that CI reads.
import { spawn } from 'node:child_process';

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {string[]} run command and arguments
 * @property {string[]} [needs] steps that must have passed first; if one failed, this is skipped
 * @property {string[]} [after] steps that must have ended first, whether they passed or not
 * @property {boolean} [live] stream the output as it comes (one live step at a time)
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
 * plan order. A live step streams its output as it comes; every other step's output is held back
 * and written whole when it ends (between two lines of the live step's output, never inside one),
 * so two steps never interleave. Resolves to the results in plan order.
 *
 * @param {Step[]} steps
 * @returns {Promise<StepResult[]>}
 */
export function runSteps(
  steps,
  { maxRunning = Infinity, cwd = process.cwd(), out = process.stdout } = {},
) {
  const output = createOutput(out);
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
        void runStep(step, { cwd, output }).then((result) => {
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

/**
 * The one stream the steps write to: the live step's chunks go straight through; a finished
 * step's block waits until the live output is at the start of a line.
 */
function createOutput(out) {
  let live = null;
  let atLineStart = true;
  const queued = [];
  const flush = () => {
    while (atLineStart && queued.length) out.write(queued.shift());
  };
  return {
    /** Makes `step` the live one if none is; returns whether it is. */
    claimLive(step) {
      live ??= step;
      return live === step;
    },
    writeLive(chunk) {
      const text = String(chunk);
      if (!text) return;
      out.write(text);
      atLineStart = text.endsWith('\n');
      flush();
    },
    releaseLive(step) {
      if (live !== step) return;
      if (!atLineStart) out.write('\n');
      live = null;
      atLineStart = true;
      flush();
    },
    writeBlock(text) {
      queued.push(text);
      flush();
    },
  };
}

async function runStep(step, { cwd, output }) {
  step.before?.();
  const header = `\n=== ${step.name}: ${step.run.slice(1).join(' ')}`;
  const live = Boolean(step.live) && output.claimLive(step);
  if (live) output.writeLive(`${header}\n`);
  const started = Date.now();
  const { code, text } = await runCommand(step.run, live ? output : null, cwd);
  const seconds = (Date.now() - started) / 1000;
  if (live) {
    output.releaseLive(step);
  } else {
    const body = text.endsWith('\n') || !text ? text : `${text}\n`;
    output.writeBlock(`${header} (${seconds.toFixed(1)} s, beside other steps)\n${body}`);
  }
  return { name: step.name, ok: code === 0, counts: step.count?.(text) ?? null, seconds };
}

/** Runs a step's command; with `live`, copies its output through as it comes. */
function runCommand([command, ...args], live, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let text = '';
    const collect = (chunk) => {
      text += chunk;
      live?.writeLive(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => collect(`${command}: ${error.message}\n`));
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
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
