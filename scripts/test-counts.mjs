// Test counts from each runner's own output, for `npm test`'s summary (scripts/test.mjs). A runner
// that ended before it could count returns null: the step's exit code then decides.
import { readFileSync } from 'node:fs';

/** Karma: its TOTAL line (several browsers), else the one browser's last "Executed N of M" line. */
export function countKarma(output) {
  const total = [...output.matchAll(/TOTAL: (?:(\d+) FAILED, )?(\d+) SUCCESS/g)].pop();
  if (total) return { passed: Number(total[2]), failed: Number(total[1] ?? 0) };
  const last = [...output.matchAll(/Executed (\d+) of \d+(?: \((\d+) FAILED\))?/g)].pop();
  if (!last) return null;
  const failed = Number(last[2] ?? 0);
  return { passed: Number(last[1]) - failed, failed };
}

/** node --test: the spec reporter's closing "ℹ pass N" and "ℹ fail N" lines. */
export function countNodeTest(output) {
  const pick = (label) => new RegExp(`^ℹ ${label} (\\d+)`, 'm').exec(output)?.[1];
  const [passed, failed] = [pick('pass'), pick('fail')];
  if (passed === undefined || failed === undefined) return null;
  return { passed: Number(passed), failed: Number(failed) };
}

/** Playwright: the JSON reporter's stats; flaky tests passed on a retry, so they count as passed. */
export function countPlaywright(reportPath) {
  try {
    const { stats } = JSON.parse(readFileSync(reportPath, 'utf8'));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  } catch {
    return null;
  }
}
