// Reads a Lighthouse result (LHR) the way its HTML report does: category scores 0–100 and the
// audits it would list as failed. Kept apart from scripts/lighthouse.mjs so it is testable without
// Chromium or the lighthouse package.

/** Lighthouse's pass mark (report-utils.js, RATINGS.PASS.minScore). */
const PASS_SCORE = 0.9;
/** Modes the report rates; manual, notApplicable and informative audits never "fail". */
const RATED_MODES = new Set(['binary', 'numeric', 'metricSavings']);
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
];

/**
 * @param {object} lhr Lighthouse result
 * @param {string[]} categories category ids, in print order
 */
export function summarizeLhr(lhr, categories) {
  const result = {
    lighthouseVersion: lhr.lighthouseVersion,
    finalUrl: lhr.finalDisplayedUrl ?? lhr.finalUrl,
    formFactor: lhr.configSettings?.formFactor,
    throttling: lhr.configSettings?.throttlingMethod,
    // Lighthouse's own CPU benchmark of this machine; simulated timings scale with it.
    benchmarkIndex: lhr.environment?.benchmarkIndex ?? null,
    runtimeError: lhr.runtimeError?.message ?? null,
    warnings: lhr.runWarnings ?? [],
    scores: {},
    failing: {},
    errored: {},
    metrics: {},
    externalRequests: externalRequests(lhr),
  };
  for (const id of categories) {
    const category = lhr.categories[id];
    if (!category) continue;
    result.scores[id] = category.score === null ? null : Math.round(category.score * 100);
    const audits = category.auditRefs
      // The report hides these; they feed other audits or the score only.
      .filter((ref) => ref.group !== 'hidden')
      .map((ref) => lhr.audits[ref.id])
      .filter(Boolean);
    result.failing[id] = audits
      .filter(
        (audit) =>
          RATED_MODES.has(audit.scoreDisplayMode) &&
          audit.score !== null &&
          audit.score < PASS_SCORE,
      )
      .map((audit) => ({
        id: audit.id,
        title: audit.title,
        score: audit.score,
        displayValue: audit.displayValue ?? null,
        items: detailItems(audit),
      }));
    result.errored[id] = audits
      .filter((audit) => audit.scoreDisplayMode === 'error')
      .map((audit) => ({ id: audit.id, title: audit.title, error: audit.errorMessage ?? null }));
  }
  for (const id of METRICS) {
    const audit = lhr.audits[id];
    if (audit) result.metrics[id] = { value: audit.numericValue, display: audit.displayValue };
  }
  return result;
}

/**
 * Up to five rows of an audit's details table, each as one line (what the HTML report shows
 * first): the URL, reason or message, and the bytes it would save.
 */
export function detailItems(audit, limit = 5) {
  const items = audit.details?.items ?? [];
  return items.slice(0, limit).map((item) => {
    const parts = [
      item.reason ?? item.value ?? item.description ?? null,
      item.url ?? item.source?.url ?? item.node?.snippet ?? null,
      item.wastedBytes ? `${Math.round(item.wastedBytes / 1024)} KiB` : null,
    ];
    return parts.filter((part) => typeof part === 'string' && part.length > 0).join(' — ');
  });
}

/** Requests the page made to anything but this machine (there should be none). */
export function externalRequests(lhr) {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  return items
    .map((item) => item.url)
    .filter((url) => /^https?:/.test(url))
    .filter((url) => !['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname));
}
