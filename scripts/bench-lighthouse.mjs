import { readdirSync } from 'node:fs';
import { median } from './bench-report.mjs';
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

const METRIC_LABELS = {
  'first-contentful-paint': 'FCP',
  'largest-contentful-paint': 'LCP',
  'total-blocking-time': 'TBT',
  'cumulative-layout-shift': 'CLS',
  'speed-index': 'SI',
};

/**
 * Why a run did not audit `expectedUrl`, or null if it did. A guarded page that finds no tokens
 * sends the browser to the provider, so a score could belong to the sign-in form, or include a
 * sign-in round trip that ends back on the page: the final URL and the document must be the
 * page's, and no document may come from `providerOrigins`. URLs are named without their query,
 * which may hold a code or state.
 */
export function auditedPageProblem(lhr, expectedUrl, providerOrigins = []) {
  const expected = withoutQuery(expectedUrl);
  const atProvider = (url) => providerOrigins.includes(new URL(url).origin);
  const problems = [];
  const finalUrl = lhr.finalDisplayedUrl ?? lhr.finalUrl;
  const ended = finalUrl ? withoutQuery(finalUrl) : null;
  if (ended !== expected) {
    const note = ended && atProvider(finalUrl) ? ' (the provider: the page was not signed in)' : '';
    problems.push(`it ended on ${ended ?? 'no page'}${note}, not ${expected}`);
  }
  const mainDocument = lhr.mainDocumentUrl ? withoutQuery(lhr.mainDocumentUrl) : null;
  if (mainDocument && mainDocument !== expected && mainDocument !== ended) {
    problems.push(`its document was ${mainDocument}, not ${expected}`);
  }
  const detours = (lhr.audits?.['network-requests']?.details?.items ?? [])
    .filter((item) => item.resourceType === 'Document' && /^https?:/.test(item.url))
    .filter((item) => atProvider(item.url))
    .map((item) => withoutQuery(item.url))
    .filter((url) => url !== ended);
  if (detours.length > 0) {
    problems.push(
      `it loaded ${[...new Set(detours)].join(', ')} on the way (the page was not signed in)`,
    );
  }
  return problems.length === 0 ? null : problems.join('; ');
}

function withoutQuery(url) {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** `value` as a list of `choices`: one of them, or "both" for all (null for anything else). */
export function parseChoice(value, choices) {
  if (value === 'both') return [...choices];
  return choices.includes(value) ? [value] : null;
}

/** `--runs`: a whole number of runs from 1 to 20, or null. */
export function parseRuns(value) {
  const runs = Number(value);
  return /^\d+$/.test(String(value)) && runs >= 1 && runs <= 20 ? runs : null;
}

/**
 * The performance score for the summary: "99 (94 95 97 98 99, median 97)" is the reported run's
 * (Lighthouse picks it by FCP and TTI, not by score), every run's, lowest first, and their median;
 * a lone run is just its score.
 */
export function performanceRuns(scores, reported) {
  if (scores.length < 2) return `${reported}`;
  const sorted = [...scores].sort((a, b) => a - b);
  return `${reported} (${sorted.join(' ')}, median ${median(scores)})`;
}

/** The HTML report's file name; the home page keeps the names it had before other pages came. */
export function reportName(page, preset) {
  const parts = ['lighthouse', page === 'home' ? null : page, preset === 'mobile' ? null : preset];
  return `${parts.filter(Boolean).join('-')}.html`;
}

/**
 * One row per page and preset (in the order run): the category scores and the metrics' display
 * values, "–" where there is none. `pages` is { [page]: { presets: { [preset]: summary } } }.
 */
export function summaryTable(pages, categories) {
  const header = ['page, preset', ...categories, ...METRICS.map((id) => METRIC_LABELS[id])];
  const rows = Object.entries(pages).flatMap(([page, { presets }]) =>
    Object.entries(presets).map(([preset, summary]) => [
      `${page}, ${preset}`,
      ...categories.map((id) =>
        id === 'performance' && summary.performanceRuns
          ? performanceRuns(summary.performanceRuns, summary.scores[id] ?? '–')
          : (summary.scores[id] ?? '–'),
      ),
      ...METRICS.map((id) => summary.metrics[id]?.display ?? '–'),
    ]),
  );
  return { header, rows };
}

/** The build's scripts and stylesheets, by file name (`browserDir` is dist/…/browser). */
export function buildAssets(browserDir) {
  return readdirSync(browserDir)
    .filter((name) => /\.(js|css)$/.test(name))
    .sort();
}

/**
 * Asks the app server for every script and stylesheet once, compressed, before anything is timed.
 * scripts/serve.mjs compresses a file (brotli, best ratio) the first time it is asked for and
 * keeps the result, as a real host serves precompressed files; without this, the first audit
 * would time the compressor as the server's latency (half a second for the Angular chunk here).
 */
export async function warmUpServer(origin, browserDir, fetchImpl = fetch) {
  await Promise.all(
    buildAssets(browserDir).map(async (name) => {
      const response = await fetchImpl(`${origin}/${name}`, {
        headers: { 'Accept-Encoding': 'br, gzip' },
      });
      await response.arrayBuffer();
    }),
  );
}
