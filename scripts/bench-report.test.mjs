import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DPOP_METRICS,
  dpopRows,
  endpointLines,
  hasOktaChunk,
  loadWarning,
  markdownTable,
  METRICS,
  metricRows,
  oktaChunkLine,
  scriptListLines,
  summarize,
  summarizeDpop,
  summarizeRuns,
  summarizeScripts,
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

describe('paint first', () => {
  it('reports the guarded deep link and the first contentful paint, and the deep link per variant', () => {
    const rows = metricRows(
      summarizeRuns([
        { metrics: { deepLink: 180, homeFirstPaint: 310 } },
        { metrics: { deepLink: 220, homeFirstPaint: 290 } },
      ]),
    );
    const row = (pattern) => rows.find(([label]) => pattern.test(label)).slice(1);
    assert.deepEqual(row(/GET \/profile → browser requests the provider's \/v1\/authorize/), [
      '200 ms',
      '180 ms',
      '220 ms',
    ]);
    assert.deepEqual(row(/GET \/ → first contentful paint/), ['300 ms', '290 ms', '310 ms']);
    const dpop = dpopRows(
      summarizeDpop([
        { dpop: { on: { metrics: { deepLink: 205 } }, off: { metrics: { deepLink: 190 } } } },
      ]),
    );
    assert.deepEqual(dpop.find(([label]) => /deep link/.test(label)).slice(1, 4), [
      '205 ms',
      '190 ms',
      '+15 ms',
    ]);
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

describe('waterfall and transfer text', () => {
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

  it('names how the scripts were sent, and says when nothing came over the network', () => {
    assert.equal(transferNote(['br']), 'brotli as served by scripts/serve.mjs');
    assert.equal(
      transferNote(['br', 'identity']),
      'brotli / uncompressed as served by scripts/serve.mjs',
    );
    assert.equal(transferNote([]), 'nothing over the network');
  });
});

describe('script lists', () => {
  const list = (raw, files = 2) => ({
    document: 'http://localhost:4400/',
    documentAt: 1_000,
    until: 1_300,
    scripts: [],
    other: [],
    totals: { files, raw, transfer: raw / 4, fromCache: 0, encodings: ['br'], unfinished: 0 },
  });

  it('lists each script with its chunk, size, how it came and when, against the paint', () => {
    const lines = scriptListLines(
      {
        ...list(239_180),
        scripts: [
          {
            file: 'main-AAAAAAAA.js',
            raw: 135_960,
            transfer: 35_440,
            encoding: 'br',
            cache: null,
            time: 1_012,
            end: 1_050,
          },
          {
            file: 'chunk-okta0001.js',
            raw: 103_220,
            transfer: 0,
            encoding: null,
            cache: 'memory',
            time: 1_120.4,
            end: 1_420,
          },
        ],
        totals: {
          files: 2,
          raw: 239_180,
          transfer: 35_440,
          fromCache: 1,
          encodings: ['br'],
          unfinished: 1,
        },
      },
      {
        title: "Scripts before the home page's first contentful paint",
        names: new Map([['chunk-okta0001.js', 'okta-runtime']]),
        mark: 'first contentful paint',
        from: 'GET /',
      },
    );
    assert.deepEqual(lines, [
      "Scripts before the home page's first contentful paint: 239.18 kB raw, 35.44 kB transfer " +
        '(brotli as served by scripts/serve.mjs) — 2 script(s), 1 from the browser cache (raw ' +
        'size counted, no transfer); first contentful paint at +300 ms from GET /',
      '  main-AAAAAAAA.js: 135.96 kB raw, 35.44 kB br; requested +12 ms, in +50 ms',
      '  chunk-okta0001.js (okta-runtime): 103.22 kB raw, memory cache; requested +120 ms, ' +
        'in +420 ms (after the first contentful paint)',
    ]);
  });

  it("sums the runs' lists and keeps the one closest to the median as the typical list", () => {
    const lists = [list(400_000, 5), null, list(380_000, 4), list(500_000, 6)];
    const summary = summarizeScripts(lists);
    assert.deepEqual(
      [summary.raw.median, summary.files.median, summary.transfer.median, summary.raw.n],
      [400_000, 5, 100_000, 3],
    );
    assert.equal(summary.typical, lists[0]);
    assert.equal(summarizeScripts([null, null]), null);
  });

  it('says whether the Okta chunk, or a chunk only it imports, was requested before the paint', () => {
    const okta = ['chunk-okta0001.js', 'chunk-oktadep1.js'];
    const withFile = (file) => ({ ...list(1), scripts: [{ file }] });
    assert.equal(hasOktaChunk(withFile('chunk-oktadep1.js'), okta), true);
    assert.equal(hasOktaChunk(withFile('main-AAAAAAAA.js'), okta), false);
    assert.equal(
      oktaChunkLine([false, false], 'first contentful paint'),
      'Okta chunk before first contentful paint: no (requested in 0 of 2 run(s))',
    );
    assert.equal(
      oktaChunkLine([true, false, true], 'first contentful paint'),
      'Okta chunk before first contentful paint: yes (requested in 2 of 3 run(s))',
    );
  });
});

describe('markdown', () => {
  it('puts the script lists under the initial total, then the DPoP table and the waterfalls', () => {
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
      firstPaint: {
        files: summary(3),
        raw: summary(400_850),
        transfer: summary(110_260),
        fromCache: summary(0),
        transferNote: 'brotli as served by scripts/serve.mjs',
        oktaChunk: { runs: 0, of: 1, line: 'Okta chunk before first contentful paint: no' },
        lines: ["Scripts before the home page's first contentful paint: …", '  main-A.js: …'],
      },
      callbackScripts: {
        files: summary(5),
        raw: summary(420_000),
        transfer: summary(1_330),
        fromCache: summary(4),
        transferNote: 'brotli as served by scripts/serve.mjs',
        lines: ['Callback: scripts before Profile renders: …', '  chunk-profile1.js: …'],
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
      /^\| \*\*Scripts before first contentful paint\*\* \(3 scripts, measured\) \|.*400\.85 kB \| 110\.26 kB \(brotli/,
    );
    assert.match(
      lines[total + 2],
      /^\| \*\*Callback: scripts before Profile renders\*\* \(5 scripts, 4 from the cache\) \|.*420\.00 kB \| 1\.33 kB over the network/,
    );
    assert.match(
      markdown,
      /first contentful paint: …\n\n- main-A\.js: …\n\n\*\*Okta chunk before first contentful paint: no\*\*\n\nCallback: scripts before Profile renders: …\n\n- chunk-profile1\.js: …\n/,
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
