import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeLhr } from './bench-lighthouse.mjs';

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
