import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  auditedPageProblem,
  parseChoice,
  parseRuns,
  performanceRuns,
  reportName,
  summarizeLhr,
  summaryTable,
  warmUpServer,
} from './bench-lighthouse.mjs';

const audit = (id, scoreDisplayMode, score, extra = {}) => ({
  id,
  title: `Title of ${id}`,
  scoreDisplayMode,
  score,
  ...extra,
});

const LHR = {
  lighthouseVersion: '12.2.3',
  finalDisplayedUrl: 'http://localhost:4400/',
  configSettings: { formFactor: 'mobile', throttlingMethod: 'simulate' },
  categories: {
    performance: {
      score: 0.8,
      auditRefs: [
        { id: 'first-contentful-paint', group: 'metrics' },
        { id: 'uses-text-compression' },
        { id: 'render-blocking-resources' },
        { id: 'diagnostics-only', group: 'hidden' },
      ],
    },
    accessibility: { score: 1, auditRefs: [{ id: 'color-contrast' }, { id: 'video-caption' }] },
  },
  audits: {
    'first-contentful-paint': audit('first-contentful-paint', 'numeric', 0.37, {
      displayValue: '3.4 s',
      numericValue: 3400,
    }),
    'uses-text-compression': audit('uses-text-compression', 'metricSavings', 0, {
      details: { items: [{ url: 'http://localhost:4400/main.js', wastedBytes: 204800 }] },
    }),
    'render-blocking-resources': audit('render-blocking-resources', 'error', null, {
      errorMessage: "Cannot read properties of undefined (reading 'frame_sequence')",
    }),
    'diagnostics-only': audit('diagnostics-only', 'binary', 0),
    'color-contrast': audit('color-contrast', 'binary', 1),
    'video-caption': audit('video-caption', 'notApplicable', null),
    'network-requests': {
      details: {
        items: [
          { url: 'http://localhost:4400/' },
          { url: 'data:image/png;base64,AAAA' },
          { url: 'https://fonts.example.com/x.woff2' },
        ],
      },
    },
  },
};

describe('Lighthouse result', () => {
  it('scores 0–100 and lists what the report shows as failed', () => {
    const summary = summarizeLhr(LHR, ['performance', 'accessibility', 'seo']);
    assert.deepEqual(summary.scores, { performance: 80, accessibility: 100 });
    assert.deepEqual(
      summary.failing.performance.map((entry) => entry.id),
      ['first-contentful-paint', 'uses-text-compression'],
    );
    assert.deepEqual(summary.failing.performance[1].items, [
      'http://localhost:4400/main.js — 200 KiB',
    ]);
    assert.deepEqual(summary.failing.accessibility, []);
    assert.equal(summary.errored.performance[0].id, 'render-blocking-resources');
    assert.deepEqual(summary.externalRequests, ['https://fonts.example.com/x.woff2']);
    assert.equal(summary.metrics['first-contentful-paint'].display, '3.4 s');
  });
});

describe('which page Lighthouse audited', () => {
  const PROFILE = 'http://localhost:4400/profile';
  const PROVIDER = 'http://localhost:3200';
  const lhr = (finalUrl, documents = [finalUrl], mainDocumentUrl = finalUrl) => ({
    finalDisplayedUrl: finalUrl,
    mainDocumentUrl,
    audits: {
      'network-requests': {
        details: {
          items: [
            ...documents.map((url) => ({ url, resourceType: 'Document' })),
            { url: `${PROVIDER}/oauth2/default/v1/keys`, resourceType: 'Fetch' },
          ],
        },
      },
    },
  });

  it('accepts a run that stayed on the page it was given', () => {
    assert.equal(auditedPageProblem(lhr(PROFILE), PROFILE, [PROVIDER]), null);
  });

  it('refuses a run that ended on the provider’s sign-in form', () => {
    const form = `${PROVIDER}/interaction/abc123`;
    const problem = auditedPageProblem(
      lhr(form, [PROFILE, `${PROVIDER}/oauth2/default/v1/authorize?client_id=x`, form]),
      PROFILE,
      [PROVIDER],
    );
    assert.match(problem, /ended on http:\/\/localhost:3200\/interaction\/abc123/);
    assert.match(problem, /the page was not signed in\), not http:\/\/localhost:4400\/profile/);
  });

  it('refuses a run that signed in again on the way and came back to the page', () => {
    const problem = auditedPageProblem(
      lhr(
        PROFILE,
        [
          PROFILE,
          `${PROVIDER}/oauth2/default/v1/authorize?client_id=x&state=secret`,
          'http://localhost:4400/login/callback?code=secret',
        ],
        'http://localhost:4400/login/callback?code=secret',
      ),
      PROFILE,
      [PROVIDER],
    );
    assert.match(problem, /loaded http:\/\/localhost:3200\/oauth2\/default\/v1\/authorize/);
    assert.doesNotMatch(problem, /secret/);
  });

  it('refuses a run whose page moved elsewhere in the app', () => {
    const forbidden = 'http://localhost:4400/forbidden';
    assert.match(
      auditedPageProblem(lhr(forbidden, [PROFILE]), PROFILE, [PROVIDER]),
      /ended on http:\/\/localhost:4400\/forbidden/,
    );
  });
});

describe('choices on the command line', () => {
  it('takes one choice, or "both" for all of them in order', () => {
    assert.deepEqual(parseChoice('both', ['home', 'profile']), ['home', 'profile']);
    assert.deepEqual(parseChoice('profile', ['home', 'profile']), ['profile']);
    assert.equal(parseChoice('admin', ['home', 'profile']), null);
  });
});

describe('--runs', () => {
  it('takes a whole number of runs from 1 to 20', () => {
    assert.equal(parseRuns('5'), 5);
    assert.equal(parseRuns('1'), 1);
    assert.equal(parseRuns('20'), 20);
    for (const value of ['0', '21', '2.5', '-1', 'five', '', '5x']) {
      assert.equal(parseRuns(value), null, value);
    }
  });
});

describe('the performance score of several runs', () => {
  it("gives the reported run's score with every run's, lowest first, and their median", () => {
    assert.equal(performanceRuns([97, 95, 99, 94, 98], 99), '99 (94 95 97 98 99, median 97)');
    assert.equal(performanceRuns([91, 88, 85, 90], 88), '88 (85 88 90 91, median 89)');
  });

  it('gives a lone run its score only', () => {
    assert.equal(performanceRuns([96], 96), '96');
  });
});

describe('the report of each page and preset', () => {
  it("keeps the home page's names and gives every other page its own", () => {
    assert.equal(reportName('home', 'mobile'), 'lighthouse.html');
    assert.equal(reportName('home', 'desktop'), 'lighthouse-desktop.html');
    assert.equal(reportName('profile', 'mobile'), 'lighthouse-profile.html');
    assert.equal(reportName('profile', 'desktop'), 'lighthouse-profile-desktop.html');
  });
});

describe('summary of several pages', () => {
  it('gives one row per page and preset, with the scores and the main metrics', () => {
    const summary = (performance, lcp) => ({
      scores: { performance, accessibility: 100 },
      metrics: {
        'first-contentful-paint': { value: 900, display: '0.9 s' },
        'largest-contentful-paint': { value: lcp * 1000, display: `${lcp} s` },
      },
    });
    const { header, rows } = summaryTable(
      {
        home: { presets: { mobile: summary(97, 1.2), desktop: summary(100, 0.4) } },
        profile: { presets: { mobile: { ...summary(88, 2.5), performanceRuns: [91, 88, 85] } } },
      },
      ['performance', 'accessibility', 'seo'],
    );
    assert.deepEqual(header, [
      'page, preset',
      'performance',
      'accessibility',
      'seo',
      'FCP',
      'LCP',
      'TBT',
      'CLS',
      'SI',
    ]);
    assert.deepEqual(rows, [
      ['home, mobile', 97, 100, '–', '0.9 s', '1.2 s', '–', '–', '–'],
      ['home, desktop', 100, 100, '–', '0.9 s', '0.4 s', '–', '–', '–'],
      ['profile, mobile', '88 (85 88 91, median 88)', 100, '–', '0.9 s', '2.5 s', '–', '–', '–'],
    ]);
  });
});

describe('warmUpServer', () => {
  it('asks for every script and stylesheet of the build once, compressed, and reads each answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lh-build-'));
    for (const name of ['index.html', 'main-A.js', 'chunk-B.js', 'styles-C.css', 'favicon.ico']) {
      writeFileSync(join(dir, name), 'x');
    }
    const asked = [];
    let read = 0;
    const fetchImpl = async (url, init) => {
      asked.push([url, init.headers['Accept-Encoding']]);
      return { arrayBuffer: async () => (read += 1) };
    };

    await warmUpServer('http://localhost:4400', dir, fetchImpl);

    assert.deepEqual(asked.sort(), [
      ['http://localhost:4400/chunk-B.js', 'br, gzip'],
      ['http://localhost:4400/main-A.js', 'br, gzip'],
      ['http://localhost:4400/styles-C.css', 'br, gzip'],
    ]);
    assert.equal(read, 3);
  });
});
