// The counts behind `npm test`'s `tests: N passed, N failed` line, read from each runner's output.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countKarma, countNodeTest, countPlaywright } from './test-counts.mjs';

const BROWSER = 'Chrome Headless 156.0.0.0 (Linux 0.0.0)';

describe('countKarma', () => {
  it("reads one browser's last Executed line, with and without failures", () => {
    const dots = `....\n${BROWSER}: Executed 926 of 926 SUCCESS (2.8 secs / 2.0 secs)\n`;
    assert.deepEqual(countKarma(dots), { passed: 926, failed: 0 });
    const failing = `${BROWSER}: Executed 3 of 926 (1 FAILED)\n${BROWSER}: Executed 926 of 926 (2 FAILED) (3 secs / 2 secs)\n`;
    assert.deepEqual(countKarma(failing), { passed: 924, failed: 2 });
  });

  it('prefers the TOTAL line that several browsers get', () => {
    assert.deepEqual(countKarma('x: Executed 5 of 5 SUCCESS\nTOTAL: 1 FAILED, 9 SUCCESS\n'), {
      passed: 9,
      failed: 1,
    });
  });

  it('returns null when Karma never ran a spec', () => {
    assert.equal(countKarma('Error: Cannot find module karma-jasmine\n'), null);
  });
});

describe('countNodeTest', () => {
  it("reads the spec reporter's closing lines", () => {
    const output = '✔ a test (1ms)\nℹ tests 301\nℹ pass 300\nℹ fail 1\nℹ cancelled 0\n';
    assert.deepEqual(countNodeTest(output), { passed: 300, failed: 1 });
  });

  it('returns null when the runner ended before its summary', () => {
    assert.equal(countNodeTest('✔ a test (1ms)\n'), null);
  });
});

describe('countPlaywright', () => {
  it('counts flaky tests as passed and unexpected ones as failed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'counts-')), 'report.json');
    writeFileSync(path, JSON.stringify({ stats: { expected: 80, flaky: 2, unexpected: 3 } }));
    assert.deepEqual(countPlaywright(path), { passed: 82, failed: 3 });
  });

  it('returns null without a report', () => {
    assert.equal(countPlaywright(join(tmpdir(), 'no-such-report.json')), null);
  });
});
