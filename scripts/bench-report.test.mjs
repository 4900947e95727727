import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  endpointLines,
  loadWarning,
  markdownTable,
  METRICS,
  metricRows,
  summarize,
  summarizeRuns,
  textTable,
} from './bench-report.mjs';

describe('summaries', () => {
  it('gives median, min and max, averaging the middle two of an even count', () => {
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, n: 3 });
    assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, n: 4 });
    assert.deepEqual(summarize([]), { median: null, min: null, max: null, n: 0 });
    assert.equal(summarize([1, null, Number.NaN, 3]).n, 2);
  });

  it('formats every metric of every run, and a dash for one that was never measured', () => {
    const metrics = Object.fromEntries(METRICS.map(({ id }) => [id, 1]));
    const summary = summarizeRuns([{ metrics: { ...metrics, ratio: 40 } }, { metrics }]);
    const rows = metricRows(summary);
    assert.equal(rows.length, METRICS.length);
    assert.deepEqual(rows.find(([label]) => label.includes('Ratio')).slice(1), [
      '20.5×',
      '1.0×',
      '40.0×',
    ]);
    const missing = metricRows(summarizeRuns([{ metrics: {} }]));
    assert.deepEqual(missing[0].slice(1), ['–', '–', '–']);
  });
});

describe('layout', () => {
  it('aligns plain-text columns and escapes Markdown pipes', () => {
    const text = textTable(
      ['Metric', 'Median'],
      [
        ['a', '1 ms'],
        ['longer', '10 ms'],
      ],
    ).split('\n');
    assert.deepEqual(text, [
      'Metric  Median',
      '------  ------',
      'a         1 ms',
      'longer   10 ms',
    ]);
    assert.equal(
      markdownTable(['A', 'B'], [['x|y', '1']]),
      '| A | B |\n| :--- | ---: |\n| x\\|y | 1 |',
    );
  });

  it('tags endpoints and shows a count range when runs differ', () => {
    const lines = endpointLines([
      {
        endpoint: 'OPTIONS provider /v1/token',
        count: 1,
        min: 1,
        max: 1,
        preflight: true,
        navigation: false,
        fromCache: 0,
        statuses: [204],
      },
      {
        endpoint: 'GET app /favicon.ico',
        count: 3,
        min: 2,
        max: 3,
        preflight: false,
        navigation: false,
        fromCache: 0,
        statuses: [200],
      },
    ]);
    // The count column is as wide as its widest entry; untagged lines have no trailing blanks.
    assert.deepEqual(lines, [
      '      1  OPTIONS provider /v1/token  [CORS preflight]',
      '3 (2–3)  GET app /favicon.ico',
    ]);
  });
});

describe('machine', () => {
  it('warns when the load average exceeded the cores at the start or the end', () => {
    assert.equal(
      loadWarning({ cores: 2, loadAverage: [1.5, 1, 1], loadAverageAfter: [1.9, 1, 1] }),
      null,
    );
    assert.match(
      loadWarning({ cores: 2, loadAverage: [0.5, 1, 1], loadAverageAfter: [12.5, 7, 4] }),
      /load average up to 12\.5 on 2 cores/,
    );
  });
});
