// Turns the per-run numbers of scripts/bench.mjs into summaries, the console report and the
// Markdown the README pastes. Pure functions, so the layout is tested without a browser.
import { formatSize } from './bench-stack.mjs';

/** Median, min and max; the median of an even count is the mean of the middle two. */
export function summarize(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: null, min: null, max: null, n: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

export function median(values) {
  return summarize(values).median;
}

/** The metrics of the timing table, in the order the brief numbers them. */
export const METRICS = [
  {
    id: 'ssoClickToProfile',
    label:
      '(2) Sign-in round trip, existing provider session: click "Sign in with Okta" → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'ssoClickToCallback',
    label:
      '    of which: click → browser requests /login/callback (PKCE, discovery, provider redirects)',
    unit: 'ms',
  },
  {
    id: 'ssoCallbackToProfile',
    label: '(3) Callback URL requested → Profile rendered (existing provider session)',
    unit: 'ms',
  },
  {
    id: 'firstClickToProfile',
    label: '    First sign-in, form filled by the script: click → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'firstSubmitToProfile',
    label: '    First sign-in: click on the form\'s "Sign in" → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'firstCallbackToProfile',
    label: '    First sign-in: callback URL requested → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'navHome',
    label: '(5) In-app navigation: click header "Home" on /profile → home heading rendered',
    unit: 'ms',
  },
  { id: 'ratio', label: '    Ratio (2) / (5)', unit: '×' },
  {
    id: 'reloadProfile',
    label: '(7) Full reload of /profile, signed in: document requested → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'callbackOverReload',
    label: '    Ratio (3) / (7): the callback page vs a plain load of the same page',
    unit: '×',
  },
  {
    id: 'signInCost',
    label: '    (3) − (7): what finishing the sign-in adds to loading the page',
    unit: 'ms',
  },
  {
    id: 'deepLink',
    label:
      "(9) Guarded deep link, signed out: GET /profile → browser requests the provider's /v1/authorize",
    unit: 'ms',
  },
  {
    id: 'homeFirstPaint',
    label: '(10) Cold load of /: GET / → first contentful paint',
    unit: 'ms',
  },
  {
    id: 'ssoRequests',
    label: '(4) Requests during sign-in (existing session), preflights included',
    unit: '',
  },
  { id: 'ssoPreflights', label: '    of which CORS preflights', unit: '' },
  { id: 'ssoFromCache', label: '    of which answered from the browser cache', unit: '' },
  { id: 'ssoBytes', label: '    bytes on the wire (encoded)', unit: 'kB' },
  {
    id: 'firstRequests',
    label: '    Requests during first sign-in (form), preflights included',
    unit: '',
  },
  { id: 'firstPreflights', label: '    of which CORS preflights', unit: '' },
  {
    id: 'heapAfterSignIn',
    label: '(6) JS heap used after sign-in (after GC), on /profile',
    unit: 'MB',
  },
  {
    id: 'heapHome',
    label: '    JS heap used on the home page before sign-in (after GC)',
    unit: 'MB',
  },
];

/** Summaries of every metric over the successful runs. */
export function summarizeRuns(runs) {
  return Object.fromEntries(
    METRICS.map(({ id }) => [id, summarize(runs.map((run) => run.metrics[id]))]),
  );
}

/**
 * What the DPoP comparison shows per variant (run.dpop.on / run.dpop.off .metrics), in the order
 * it prints them.
 */
export const DPOP_METRICS = [
  {
    id: 'signIn',
    label: 'Sign-in, existing provider session: click → Profile rendered',
    unit: 'ms',
  },
  {
    id: 'callbackToProfile',
    label: '    of which callback URL requested → Profile rendered',
    unit: 'ms',
  },
  { id: 'signInRequests', label: '    requests, preflights included', unit: '' },
  {
    id: 'tokenRequests',
    label: '    of which POST /v1/token (a nonce challenge adds one)',
    unit: '',
  },
  {
    id: 'apiFirst',
    label: 'First API call: click "Messages" on /profile → messages listed',
    unit: 'ms',
  },
  { id: 'apiFirstNetwork', label: '    first API request sent → last API response in', unit: 'ms' },
  {
    id: 'apiFirstRequests',
    label: '    API requests (CORS preflight and nonce retry included)',
    unit: '',
  },
  { id: 'apiRepeat', label: 'Next API call: click "Refresh" → messages listed again', unit: 'ms' },
  {
    id: 'apiRepeatNetwork',
    label: '    first API request sent → last API response in',
    unit: 'ms',
  },
  { id: 'apiRepeatRequests', label: '    API requests', unit: '' },
  { id: 'reload', label: 'Full reload of /profile → Profile rendered', unit: 'ms' },
  {
    id: 'deepLink',
    label: 'Guarded deep link, signed out: GET /profile → leaves for /v1/authorize',
    unit: 'ms',
  },
  { id: 'heapAfterSignIn', label: 'JS heap used after sign-in (after GC)', unit: 'MB' },
];

/**
 * Per DPoP metric: the summaries with DPoP on and off, and of the per-run differences (on − off,
 * runs where both were measured). The two variants run one after the other in every run, so the
 * paired difference cancels what the machine did during that run.
 */
export function summarizeDpop(runs) {
  const value = (run, variant, id) => run.dpop?.[variant]?.metrics?.[id];
  return Object.fromEntries(
    DPOP_METRICS.map(({ id }) => [
      id,
      {
        on: summarize(runs.map((run) => value(run, 'on', id))),
        off: summarize(runs.map((run) => value(run, 'off', id))),
        difference: summarize(
          runs
            .map((run) => value(run, 'on', id) - value(run, 'off', id))
            .filter((difference) => Number.isFinite(difference)),
        ),
      },
    ]),
  );
}

/** Rows [label, on, off, on − off, range of on − off] of the DPoP table (medians). */
export function dpopRows(summary) {
  return DPOP_METRICS.map(({ id, label, unit }) => {
    const { on, off, difference } = summary[id];
    return [
      label,
      formatValue(on.median, unit),
      formatValue(off.median, unit),
      formatDifference(difference.median, unit),
      difference.n > 0
        ? `${formatDifference(difference.min, unit)} … ${formatDifference(difference.max, unit)}`
        : '–',
    ];
  });
}

function formatDifference(value, unit) {
  if (value === null || value === undefined) return '–';
  const text = formatValue(Math.abs(value), unit);
  if (Number(text.replace(/[^\d.]/g, '')) === 0) return `±${text}`;
  return `${value < 0 ? '−' : '+'}${text}`;
}

/**
 * A waterfall as text: one line per request (start and end in ms from the first request, what,
 * status, from cache or bytes), with the page's own moments (`marks`: { at, label }) in between.
 */
export function waterfallLines(rows, marks = []) {
  const ms = (value) => (value === null ? '?' : value.toFixed(0));
  const lines = [
    ...rows.map((row) => ({
      at: row.start,
      cells: [
        ms(row.start),
        ms(row.end),
        `${row.request}${row.chunk ? ` (${row.chunk})` : ''}`,
        [
          row.status ?? 'no response',
          row.preflight && 'CORS preflight',
          row.cache ? `${row.cache} cache` : formatSize(row.transfer),
        ]
          .filter(Boolean)
          .join(', '),
      ],
    })),
    ...marks.map((mark) => ({ at: mark.at, cells: [ms(mark.at), '', `▶ ${mark.label}`, ''] })),
  ].sort((a, b) => a.at - b.at);
  const header = ['start', 'end', 'request (ms from the first)', ''];
  const widths = header.map((title, index) =>
    Math.max(title.length, ...lines.map((line) => line.cells[index].length)),
  );
  const format = (cells) =>
    cells
      .map((cell, index) => (index < 2 ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [format(header), ...lines.map((line) => format(line.cells))];
}

/**
 * Per-run lists of scripts (the home page's before its first paint, the callback's before Profile
 * renders): medians of the totals, and the list of the run whose raw total is closest to the
 * median, to show as the typical one. Runs without a list are left out; null when none has one.
 */
export function summarizeScripts(lists) {
  const present = lists.filter(Boolean);
  if (present.length === 0) return null;
  const values = (key) => summarize(present.map((list) => list.totals[key]));
  const raw = values('raw');
  const distance = (list) => Math.abs(list.totals.raw - raw.median);
  const typical = present.reduce((best, list) => (distance(list) < distance(best) ? list : best));
  return {
    files: values('files'),
    raw,
    transfer: values('transfer'),
    fromCache: values('fromCache'),
    typical,
  };
}

/**
 * A list of scripts as text: the totals, then each script with its chunk name, raw size, how it
 * came (transfer and encoding, or the cache) and when it was requested and in, in ms from the
 * document's request (`from` names it). With `mark` (e.g. "first contentful paint", the list's
 * `until`), the first line says when that was and each script still loading then says so.
 */
export function scriptListLines(
  list,
  { title, names = new Map(), mark = null, from = 'its document' },
) {
  const { totals } = list;
  const at = (time) => (time === null ? '?' : `+${(time - list.documentAt).toFixed(0)} ms`);
  const lines = [
    `${title}: ${formatSize(totals.raw)} raw, ${formatSize(totals.transfer)} transfer ` +
      `(${transferNote(totals.encodings)}) — ${totals.files} script(s)` +
      (totals.fromCache > 0
        ? `, ${totals.fromCache} from the browser cache (raw size counted, no transfer)`
        : '') +
      (mark ? `; ${mark} at ${at(list.until)} from ${from}` : ''),
  ];
  for (const script of list.scripts) {
    const name = names.get(script.file);
    const how = script.cache
      ? `${script.cache} cache`
      : `${formatSize(script.transfer)} ${script.encoding ?? 'uncompressed'}`;
    const late = mark && (script.end === null || script.end > list.until);
    lines.push(
      `  ${script.file}${name && name !== '-' ? ` (${name})` : ''}: ${formatSize(script.raw)} raw, ` +
        `${how}; requested ${at(script.time)}, in ${at(script.end)}` +
        (late ? ` (after the ${mark})` : ''),
    );
  }
  return lines;
}

/** Whether a file of the Okta chunk (`oktaFiles`: okta-runtime and what only it imports) is listed. */
export function hasOktaChunk(list, oktaFiles) {
  return list.scripts.some((script) => oktaFiles.includes(script.file));
}

/**
 * "Okta chunk before first contentful paint: no (0 of 10 runs)": `found` is each run's
 * hasOktaChunk, `event` what the lists were cut at.
 */
export function oktaChunkLine(found, event) {
  const runs = found.filter(Boolean).length;
  return (
    `Okta chunk before ${event}: ${runs > 0 ? 'yes' : 'no'} ` +
    `(requested in ${runs} of ${found.length} run(s))`
  );
}

/** How the transfer sizes were sent, from the Content-Encoding of the responses. */
export function transferNote(encodings) {
  if (encodings.length === 0) return 'nothing over the network';
  const known = { br: 'brotli', gzip: 'gzip', identity: 'uncompressed' };
  const words = encodings.map((encoding) => known[encoding] ?? encoding);
  return `${words.join(' / ')} as served by scripts/serve.mjs`;
}

function formatValue(value, unit) {
  if (value === null || value === undefined) return '–';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case '×':
      return `${value.toFixed(1)}×`;
    case 'kB':
      return `${(value / 1000).toFixed(1)} kB`;
    case 'MB':
      return `${(value / 2 ** 20).toFixed(2)} MB`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

/** Rows [label, median, min, max] of the timing table. */
export function metricRows(summary) {
  return METRICS.map(({ id, label, unit }) => {
    const { median: mid, min, max } = summary[id];
    return [label, formatValue(mid, unit), formatValue(min, unit), formatValue(max, unit)];
  });
}

/** Plain-text table with aligned columns; numbers right-aligned. */
export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, index) => Math.max(...all.map((row) => String(row[index]).length)));
  const line = (row) =>
    row
      .map((cell, index) =>
        index === 0 ? String(cell).padEnd(widths[index]) : String(cell).padStart(widths[index]),
      )
      .join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

export function markdownTable(header, rows, align = header.map((_, index) => (index ? 'r' : 'l'))) {
  const escape = (cell) => String(cell).replaceAll('|', '\\|').trim();
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${align.map((side) => (side === 'r' ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** One line per endpoint: "  1  OPTIONS provider /v1/keys  [CORS preflight]". */
export function endpointLines(endpoints) {
  const counts = endpoints.map((entry) =>
    entry.min === entry.max ? String(entry.count) : `${entry.count} (${entry.min}–${entry.max})`,
  );
  const countWidth = Math.max(3, ...counts.map((count) => count.length));
  const width = Math.max(...endpoints.map((entry) => entry.endpoint.length));
  return endpoints.map((entry, index) => {
    const redirects = entry.statuses.filter((status) => status >= 300 && status < 400);
    const tags = [
      entry.preflight && 'CORS preflight',
      entry.navigation && 'navigation',
      redirects.length > 0 && `redirect ${redirects.join('/')}`,
      entry.fromCache > 0 && `${entry.fromCache} from cache`,
    ].filter(Boolean);
    const line = `${counts[index].padStart(countWidth)}  ${entry.endpoint}`;
    return tags.length > 0 ? `${line.padEnd(countWidth + 2 + width)}  [${tags.join(', ')}]` : line;
  });
}

export function machineLine(machine) {
  const load = machine.loadAverage ? `; load average ${machine.loadAverage.join(' / ')}` : '';
  return (
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}; ` +
    `Chromium ${machine.chromium}; Node ${machine.node}; ${machine.date}; commit ${machine.commit}` +
    load
  );
}

/**
 * A warning when other work competed for the CPU: a 1-minute load average above the core count
 * at the start or the end of the run.
 */
export function loadWarning(machine) {
  const peak = Math.max(machine.loadAverage?.[0] ?? 0, machine.loadAverageAfter?.[0] ?? 0);
  if (peak <= machine.cores) return null;
  return (
    `The machine was busy (1-minute load average up to ${peak.toFixed(1)} on ${machine.cores} ` +
    'cores): other processes competed with the browser and servers, so the timings are inflated ' +
    'and noisy. Compare numbers from an otherwise idle machine; the counts and sizes are unaffected.'
  );
}

/** Markdown for the README: machine, bundle, timings, requests, cuts. */
export function toMarkdown(result) {
  const { machine, bundle, summary, runs, options, requests, cuts, method } = result;
  const bundleRows = bundle.files
    .slice()
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.raw - a.raw)
    .map((file) => [
      file.file,
      file.initial ? 'initial' : 'lazy',
      file.name,
      formatSize(file.raw),
      formatSize(file.brotli),
      formatSize(file.gzip),
    ]);
  const sums = bundle.totals;
  bundleRows.push(
    [
      '**Initial JS**',
      '',
      '',
      formatSize(sums.initialJs.raw),
      formatSize(sums.initialJs.brotli),
      formatSize(sums.initialJs.gzip),
    ],
    [
      '**Initial CSS**',
      '',
      '',
      formatSize(sums.initialCss.raw),
      formatSize(sums.initialCss.brotli),
      formatSize(sums.initialCss.gzip),
    ],
    [
      '**Initial total**',
      '',
      '',
      formatSize(sums.initial.raw),
      formatSize(sums.initial.brotli),
      formatSize(sums.initial.gzip),
    ],
  );
  const paint = result.firstPaint;
  if (paint) {
    bundleRows.push([
      `**Scripts before first contentful paint** (${paint.files.median} scripts, measured)`,
      '',
      '',
      formatSize(paint.raw.median),
      `${formatSize(paint.transfer.median)} (${paint.transferNote})`,
      '',
    ]);
  }
  const callback = result.callbackScripts;
  if (callback) {
    bundleRows.push([
      `**Callback: scripts before Profile renders** (${callback.files.median} scripts, ` +
        `${callback.fromCache.median} from the cache)`,
      '',
      '',
      formatSize(callback.raw.median),
      `${formatSize(callback.transfer.median)} over the network`,
      '',
    ]);
  }
  // The typical run's list: its first line as a paragraph, one bullet per script.
  const scriptList = (lines) => [
    lines[0],
    '',
    ...lines.slice(1).map((line) => `- ${line.trim()}`),
    '',
  ];
  const okta = result.oktaChunk;
  const oktaBudget = result.budgets?.oktaChunk;
  return [
    `### Benchmark (${runs} runs, medians)`,
    '',
    `Measured on ${machineLine(machine)}. \`npm run bench\`: ${options.runs} runs after ` +
      `${options.warmup} warm-up, each in fresh browser contexts.`,
    '',
    ...(loadWarning(machine) ? [`> ${loadWarning(machine)}`, ''] : []),
    ...(result.distChanged
      ? [
          '> dist/ was rebuilt by another process during the runs; the pages may come from another build.',
          '',
        ]
      : []),
    '#### Initial bundle',
    '',
    markdownTable(
      ['File', 'Kind', 'Name', 'Raw', 'Brotli (ng build estimate)', 'gzip -6'],
      bundleRows,
      ['l', 'l', 'l', 'r', 'r', 'r'],
    ),
    '',
    `Initial files from ${bundle.source}. scripts/serve.mjs compresses text with brotli (or gzip) when the browser accepts it.`,
    '',
    ...(okta
      ? [
          `Okta chunk (\`okta-runtime\`, with DPoP support as built: ${okta.files.join(' + ')}): ` +
            `${formatSize(okta.raw)} raw, ${formatSize(okta.brotli)} brotli, ${formatSize(okta.gzip)} gzip` +
            (oktaBudget
              ? ` (budget ${oktaBudget.warning} warning, ${oktaBudget.error} error)`
              : '') +
            '. Lazy to `ng build`, but every page loads it; `OKTA_DPOP` does not change it.',
          '',
        ]
      : []),
    ...(paint ? [...scriptList(paint.lines), `**${paint.oktaChunk.line}**`, ''] : []),
    ...(callback ? scriptList(callback.lines) : []),
    '#### Sign-in and navigation',
    '',
    markdownTable(
      ['Metric', 'Median', 'Min', 'Max'],
      metricRows(summary).map(([label, ...rest]) => [label.trim(), ...rest]),
    ),
    '',
    ...method.map((line) => `- ${line}`),
    '',
    ...(result.dpop ? dpopMarkdown(result.dpop) : []),
    '#### Requests during sign-in (existing provider session; median count per run)',
    '',
    '```text',
    ...endpointLines(requests.sso),
    '```',
    '',
    '#### Requests during the first sign-in (form)',
    '',
    '```text',
    ...endpointLines(requests.first),
    '```',
    '',
    ...(result.waterfalls ?? []).flatMap(({ title, lines }) => [
      `#### ${title}`,
      '',
      '```text',
      ...lines,
      '```',
      '',
    ]),
    '#### What could be cut',
    '',
    ...cuts.map((cut) => `- **${cut.id}** (${cut.who}): ${cut.note}`),
    '',
  ].join('\n');
}

function dpopMarkdown({ setting, mismatch, summary, evidence }) {
  const warnings = [setting.problem, mismatch].filter(Boolean);
  return [
    '#### DPoP on and off (same runs)',
    '',
    ...warnings.flatMap((warning) => [`> ${warning}`, '']),
    markdownTable(
      ['Metric (median)', 'DPoP on', 'DPoP off', 'on − off', 'on − off, range'],
      dpopRows(summary).map(([label, ...rest]) => [label.trim(), ...rest]),
    ),
    '',
    `- DPoP on: ${evidence.on.line}`,
    `- DPoP off: ${evidence.off.line}`,
    '',
  ];
}
