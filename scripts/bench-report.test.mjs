import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  criticalPathLines,
  DPOP_METRICS,
  dpopRows,
  endpointLines,
  loadWarning,
  markdownTable,
  METRICS,
  metricRows,
  summarize,
  summarizeDpop,
  summarizeRuns,
  textTable,
  toMarkdown,
  transferNote,
  waterfallLines,
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

describe('the honest denominator', () => {
  it('reports the reload, and the callback against it as a ratio and a difference', () => {
    const labels = metricRows(summarizeRuns([{ metrics: {} }])).map(([label]) => label);
    const reload = labels.findIndex((label) => label.includes('Full reload of /profile'));
    assert.ok(reload > 0);
    assert.match(labels[reload + 1], /Ratio \(3\) \/ \(7\)/);
    assert.match(labels[reload + 2], /\(3\) − \(7\)/);
    const rows = metricRows(
      summarizeRuns([
        { metrics: { reloadProfile: 120, callbackOverReload: 3.5, signInCost: 300 } },
        { metrics: { reloadProfile: 140, callbackOverReload: 2.5, signInCost: 260 } },
      ]),
    );
    assert.deepEqual(rows[reload].slice(1), ['130 ms', '120 ms', '140 ms']);
    assert.deepEqual(rows[reload + 1].slice(1), ['3.0×', '2.5×', '3.5×']);
    assert.deepEqual(rows[reload + 2].slice(1), ['280 ms', '260 ms', '300 ms']);
  });
});

describe('DPoP on and off', () => {
  const run = (on, off) => ({ dpop: { on: { metrics: on }, off: { metrics: off } } });

  it('gives each variant its median and the median of the per-run differences', () => {
    const summary = summarizeDpop([
      run({ signIn: 500, apiFirstRequests: 3 }, { signIn: 450, apiFirstRequests: 1 }),
      run({ signIn: 700, apiFirstRequests: 3 }, { signIn: 720, apiFirstRequests: 1 }),
      run({ signIn: 520 }, { signIn: 400, apiFirstRequests: 1 }),
    ]);
    assert.deepEqual(
      [summary.signIn.on.median, summary.signIn.off.median, summary.signIn.difference.median],
      [520, 450, 50],
    );
    // The run without an "on" value counts for "off" but not for the difference.
    assert.deepEqual(
      [summary.apiFirstRequests.off.n, summary.apiFirstRequests.difference.n],
      [3, 2],
    );
  });

  it('prints signed differences and their range, and a dash for what was never measured', () => {
    const rows = dpopRows(
      summarizeDpop([
        run(
          { signIn: 500, tokenRequests: 2, apiRepeat: 20 },
          { signIn: 450, tokenRequests: 1, apiRepeat: 20 },
        ),
        run(
          { signIn: 430, tokenRequests: 2, apiRepeat: 21 },
          { signIn: 460, tokenRequests: 1, apiRepeat: 20 },
        ),
      ]),
    );
    assert.equal(rows.length, DPOP_METRICS.length);
    const row = (id) => rows[DPOP_METRICS.findIndex((metric) => metric.id === id)];
    assert.deepEqual(row('signIn').slice(1), ['465 ms', '455 ms', '+10 ms', '−30 ms … +50 ms']);
    assert.deepEqual(row('tokenRequests').slice(1), ['2', '1', '+1', '+1 … +1']);
    assert.deepEqual(row('apiRepeat').slice(1, 4), ['21 ms', '20 ms', '+1 ms']);
    assert.deepEqual(row('reload').slice(1), ['–', '–', '–', '–']);
  });
});

describe('waterfall and critical path text', () => {
  it('puts the page marks among the requests in time order, with ? for a request that never ended', () => {
    const lines = waterfallLines(
      [
        {
          start: 0,
          end: 6,
          request: 'GET app /login/callback',
          chunk: null,
          status: 200,
          cache: null,
          transfer: 748,
        },
        {
          start: 395,
          end: 401,
          request: 'GET app /chunk-profile1.js',
          chunk: 'profile',
          status: 200,
          cache: null,
          transfer: 1330,
        },
        {
          start: 281,
          end: null,
          request: 'OPTIONS provider /v1/token',
          chunk: null,
          status: null,
          preflight: true,
          cache: null,
          transfer: 0,
        },
      ],
      [
        { at: 168.4, label: 'app bootstrapped' },
        { at: 407, label: 'Profile rendered' },
      ],
    );
    assert.deepEqual(lines, [
      'start  end  request (ms from the first)',
      '    0    6  GET app /login/callback               200, 748 bytes',
      '  168       ▶ app bootstrapped',
      '  281    ?  OPTIONS provider /v1/token            no response, CORS preflight, 0 bytes',
      '  395  401  GET app /chunk-profile1.js (profile)  200, 1.33 kB',
      '  407       ▶ Profile rendered',
    ]);
  });

  it('names how the critical-path scripts were sent and warns when the cache hid their size', () => {
    assert.equal(transferNote(['br']), 'brotli as served by scripts/serve.mjs');
    assert.equal(
      transferNote(['br', 'identity']),
      'brotli / uncompressed as served by scripts/serve.mjs',
    );
    const lines = criticalPathLines(
      {
        scripts: [
          { file: 'main-AAAAAAAA.js', raw: 135_960, transfer: 35_440, encoding: 'br' },
          { file: 'chunk-okta0001.js', raw: 103_220, transfer: 27_740, encoding: 'br' },
        ],
        totals: { files: 2, raw: 239_180, transfer: 63_180, fromCache: 1, encodings: ['br'] },
      },
      new Map([['chunk-okta0001.js', 'okta-runtime']]),
    );
    assert.match(
      lines[0],
      /^Critical-path JS: 239\.18 kB raw, 63\.18 kB transfer \(brotli as served/,
    );
    assert.match(lines[0], /1 from the browser cache: sizes undercounted/);
    assert.deepEqual(lines.slice(1), [
      '  main-AAAAAAAA.js: 135.96 kB raw, 35.44 kB br',
      '  chunk-okta0001.js (okta-runtime): 103.22 kB raw, 27.74 kB br',
    ]);
  });
});

describe('markdown', () => {
  it('puts the critical path under the initial total, then the DPoP table and the waterfalls', () => {
    const zero = { files: 0, raw: 0, brotli: 0, gzip: 0 };
    const summary = (median) => ({ median, min: median, max: median, n: 1 });
    const markdown = toMarkdown({
      machine: {
        cpuModel: 'cpu',
        cores: 2,
        memoryGiB: 1,
        os: 'os',
        chromium: '1',
        node: 'v22',
        date: 'd',
        commit: 'c',
      },
      bundle: {
        source: 'stats',
        files: [],
        totals: { initial: { ...zero, raw: 298_490 }, initialJs: zero, initialCss: zero },
      },
      oktaChunk: { files: ['chunk-okta0001.js'], raw: 103_220, brotli: 27_740, gzip: 31_330 },
      budgets: { oktaChunk: { warning: '120kB', error: '140kB' } },
      criticalPath: {
        files: summary(3),
        raw: summary(400_850),
        transfer: summary(110_260),
        transferNote: 'brotli as served by scripts/serve.mjs',
        scripts: [],
      },
      summary: summarizeRuns([{ metrics: {} }]),
      dpop: {
        setting: { on: true, off: false, problem: null },
        mismatch: null,
        summary: summarizeDpop([]),
        evidence: { on: { line: 'DPoP tokens' }, off: { line: 'Bearer tokens' } },
      },
      waterfalls: [{ title: 'Waterfall of the callback page', lines: ['start  end'] }],
      runs: 1,
      options: { runs: 1, warmup: 0 },
      requests: { sso: [], first: [] },
      cuts: [],
      method: [],
    });
    const lines = markdown.split('\n');
    const total = lines.findIndex((line) => line.startsWith('| **Initial total**'));
    assert.match(
      lines[total + 1],
      /^\| \*\*Critical-path JS\*\* \(3 scripts, measured\) \|.*400\.85 kB \| 110\.26 kB \(brotli/,
    );
    assert.match(
      markdown,
      /Okta chunk .*103\.22 kB raw, 27\.74 kB brotli.*\(budget 120kB warning, 140kB error\)/,
    );
    assert.ok(
      markdown.indexOf('#### DPoP on and off') <
        markdown.indexOf('#### Waterfall of the callback page'),
    );
    assert.match(markdown, /- DPoP on: DPoP tokens\n- DPoP off: Bearer tokens/);
  });
});
