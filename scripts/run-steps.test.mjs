// `npm test`'s step runner: steps side by side without interleaved output, dependencies, and a
// summary whose `tests:` line never hides a failure.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runSteps, summaryLines } from './run-steps.mjs';

/** A step that runs `code` in Node. */
const node = (name, code, extra = {}) => ({ name, run: [process.execPath, '-e', code], ...extra });

function collector() {
  return {
    text: '',
    write(chunk) {
      this.text += chunk;
    },
  };
}

describe('runSteps', () => {
  it('runs independent steps at the same time', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'run-steps-')), 'marker');
    // "waiter" only passes if "maker" runs while it waits: one after the other, it would time out.
    const waiter = node(
      'waiter',
      `const { existsSync } = require('node:fs');
       const until = Date.now() + 10000;
       const poll = () => existsSync(${JSON.stringify(marker)}) ? process.exit(0)
         : Date.now() > until ? process.exit(1) : setTimeout(poll, 20);
       poll();`,
    );
    const maker = node('maker', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`);
    const results = await runSteps([waiter, maker], { out: collector() });
    assert.deepEqual(
      results.map(({ name, ok }) => ({ name, ok })),
      [
        { name: 'waiter', ok: true },
        { name: 'maker', ok: true },
      ],
    );
  });

  it("prints each side-by-side step's output whole, never interleaved", async () => {
    const out = collector();
    const chatty = (name) =>
      node(
        name,
        `let i = 0; const t = setInterval(() => { console.log('${name} line ' + i); if (++i === 5) clearInterval(t); }, 10);`,
      );
    await runSteps([chatty('a'), chatty('b')], { out });
    for (const name of ['a', 'b']) {
      const block = [0, 1, 2, 3, 4].map((i) => `${name} line ${i}`).join('\n');
      assert.ok(out.text.includes(block), `${name}'s lines are not together:\n${out.text}`);
      assert.match(out.text, new RegExp(`=== ${name}: .* \\(\\d+\\.\\d s, beside other steps\\)`));
    }
  });

  it('skips a step whose need failed, and counts both as failures', async () => {
    const out = collector();
    const results = await runSteps(
      [node('build', 'process.exit(2)'), node('e2e', 'process.exit(0)', { needs: ['build'] })],
      { out },
    );
    assert.deepEqual(results, [
      { name: 'build', ok: false, counts: null, seconds: results[0].seconds },
      { name: 'e2e', ok: false, note: 'skipped: build failed' },
    ]);
    assert.deepEqual(summaryLines(results, 1).slice(-1), ['tests: 0 passed, 2 failed']);
  });

  it('runs a step that comes after a failed one, and streams a live step', async () => {
    const out = collector();
    const results = await runSteps(
      [
        node('lint', "console.log('lint says no'); process.exit(1)"),
        node('e2e', "console.log('e2e runs')", { after: ['lint'], live: true }),
      ],
      { out },
    );
    assert.deepEqual(
      results.map(({ ok }) => ok),
      [false, true],
    );
    // Streamed: the header comes first and carries no "beside other steps" note.
    assert.match(out.text, /\n=== e2e: -e .*\ne2e runs\n$/);
    assert.doesNotMatch(out.text, /=== e2e: .*beside other steps/);
  });

  it("writes a finished step's block between the live step's lines, never inside one", async () => {
    const out = collector();
    // "lint" finishes only once "e2e" has written its half line, whatever the machine's load.
    const marker = JSON.stringify(join(mkdtempSync(join(tmpdir(), 'run-steps-')), 'half-written'));
    await runSteps(
      [
        node(
          'e2e',
          `process.stdout.write('half a', () => require('node:fs').writeFileSync(${marker}, ''));` +
            "setTimeout(() => console.log(' line'), 500);",
          { live: true },
        ),
        node(
          'lint',
          `const wait = () => require('node:fs').existsSync(${marker}) ? console.log('lint block') : setTimeout(wait, 10); wait();`,
        ),
      ],
      { out },
    );
    assert.match(out.text, /\n=== e2e: .*\nhalf a line\n/);
    assert.match(out.text, /half a line\n\n=== lint: .*beside other steps\)\nlint block\n$/);
  });

  it('never runs more than maxRunning steps at once', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'run-steps-')), 'marker');
    // "waiter" fails if "maker" runs while it is still running.
    const waiter = node(
      'waiter',
      `setTimeout(() => process.exit(require('node:fs').existsSync(${JSON.stringify(marker)}) ? 1 : 0), 300)`,
    );
    const maker = node('maker', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`);
    const results = await runSteps([waiter, maker], { maxRunning: 1, out: collector() });
    assert.deepEqual(
      results.map(({ ok }) => ok),
      [true, true],
    );
  });

  it('fails a step whose command cannot start, saying why', async () => {
    const out = collector();
    const [result] = await runSteps([{ name: 'lint', run: ['/nonexistent/eslint-binary', 'x'] }], {
      out,
    });
    assert.equal(result.ok, false);
    assert.match(out.text, /\/nonexistent\/eslint-binary: .*ENOENT/);
  });

  it('counts tests from the output of the steps that count', async () => {
    const results = await runSteps(
      [
        node('unit', "console.log('TOTAL 3 1')", {
          count: (output) => {
            const [, passed, failed] = /TOTAL (\d+) (\d+)/.exec(output);
            return { passed: Number(passed), failed: Number(failed) };
          },
        }),
      ],
      { out: collector() },
    );
    assert.deepEqual(results[0].counts, { passed: 3, failed: 1 });
  });
});

describe('summaryLines', () => {
  it('gives a line per step, the total time and the counts CI reads', () => {
    const lines = summaryLines(
      [
        { name: 'lint', ok: true, counts: null, seconds: 6.14 },
        { name: 'unit', ok: false, counts: { passed: 600, failed: 2 }, seconds: 16 },
        { name: 'build', ok: false, counts: null, seconds: 7 },
        { name: 'e2e', ok: false, note: 'skipped: build failed' },
      ],
      30,
    );
    assert.deepEqual(lines, [
      '=== summary',
      'ok   lint                               6.1 s',
      'FAIL unit    600 passed, 2 failed       16.0 s',
      'FAIL build                              7.0 s',
      'FAIL e2e     skipped: build failed',
      'total time 30.0 s',
      // unit's 2, plus build and e2e, which failed without counting tests.
      'tests: 600 passed, 4 failed',
    ]);
  });
});
