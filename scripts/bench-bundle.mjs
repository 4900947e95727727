// The initial bundle of a production build, sized the way `ng build` sizes it: which files are
// initial comes from the esbuild metafile that `ng build --stats-json` writes, and the "Estimated
// transfer size" is what @angular/build 22 computes (src/tools/esbuild/utils.js,
// calculateEstimatedTransferSizes): brotli at Node's default quality (11) for every .js/.css file
// of 1024 bytes or more, the raw size below that ("would most likely not be compressed in
// transit"). Brotli, not gzip, because that is the number `ng build` and the budget reviews show;
// gzip (zlib level 6, the usual server default) is given beside it for hosts without brotli.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { formatSize } from './bench-stack.mjs';

/** Angular 17+ writes browser-stats.json; older CLIs (and the brief) call it stats.json. */
const STATS_FILES = ['browser-stats.json', 'stats.json'];
const SMALL_FILE = 1024;

/**
 * Reads the build in `outDir` (dist/<project>) and returns its initial and lazy .js/.css files with
 * raw, brotli and gzip sizes. Falls back to index.html's <script>/<link> tags when there is no
 * metafile (a build made without --stats-json), and says so in `source`.
 */
export function analyzeBuild(outDir) {
  const browserDir = join(outDir, 'browser');
  const statsFile = STATS_FILES.map((name) => join(outDir, name)).find(existsSync);
  const onDisk = new Set(
    readdirSync(browserDir).filter(
      (file) => /\.(?:css|m?js)$/.test(file) && isFile(browserDir, file),
    ),
  );

  let classified = null;
  let source;
  if (statsFile) {
    classified = classifyFromMetafile(JSON.parse(readFileSync(statsFile, 'utf8')));
    // A metafile from another build (stale stats, files rebuilt since) must not be trusted.
    const missing = [...classified.initial.keys()].filter((file) => !onDisk.has(file));
    if (missing.length > 0) {
      source = `index.html (${basename(statsFile)} does not match the files in browser/: ${missing.join(', ')} missing)`;
      classified = null;
    } else {
      source = `${basename(statsFile)} (esbuild metafile)`;
    }
  } else {
    source = 'index.html (no stats file: build with --stats-json for chunk names)';
  }
  classified ??= classifyFromIndexHtml(readFileSync(join(browserDir, 'index.html'), 'utf8'));

  const files = [...onDisk].map((file) => {
    const contents = readFileSync(join(browserDir, file));
    const initial = classified.initial.get(file);
    return {
      file,
      imports: classified.imports.get(file) ?? [],
      name: initial ? initial.name : (classified.lazyNames.get(file) ?? '-'),
      initial: Boolean(initial),
      type: extname(file) === '.css' ? 'css' : 'js',
      raw: contents.byteLength,
      brotli: estimatedTransferSize(contents),
      gzip: gzipSync(contents).byteLength,
    };
  });
  return { source, files, totals: totals(files) };
}

/** @angular/build's estimate: brotli (default quality 11), raw size for files under 1 KiB. */
export function estimatedTransferSize(contents) {
  if (contents.byteLength < SMALL_FILE) return contents.byteLength;
  return brotliCompressSync(contents).byteLength;
}

/**
 * Initial files as @angular/build's BundlerContext finds them: the entry points (main, polyfills,
 * styles) and, transitively, everything they import statically. Lazy route chunks are entry
 * points in the metafile too, but only as targets of a dynamic import(), which is how they are
 * told apart here (the CLI asks its esbuild options instead, which the metafile does not hold).
 */
export function classifyFromMetafile(metafile) {
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs).map(([path, output]) => [basename(path), output]),
  );
  const dynamicTargets = new Set();
  for (const output of Object.values(outputs)) {
    for (const entry of output.imports ?? []) {
      if (entry.kind === 'dynamic-import') dynamicTargets.add(basename(entry.path));
    }
  }

  // What each file imports statically: the browser fetches those before the file can run.
  const imports = new Map(
    Object.entries(outputs).map(([file, output]) => [
      file,
      (output.imports ?? [])
        .filter((entry) => entry.kind === 'import-statement' && !entry.external)
        .map((entry) => basename(entry.path)),
    ]),
  );

  const initial = new Map();
  const queue = [];
  for (const [file, output] of Object.entries(outputs)) {
    if (output.entryPoint && !dynamicTargets.has(file)) {
      initial.set(file, { name: file.replace(/(?:-[\dA-Z]{8})?\.[a-z]{2,3}$/, '') });
      queue.push(file);
    }
  }
  while (queue.length > 0) {
    const file = queue.pop();
    for (const entry of outputs[file]?.imports ?? []) {
      const target = basename(entry.path);
      const isStatic = entry.kind === 'import-statement' || entry.kind === 'import-rule';
      if (!isStatic || entry.external || initial.has(target)) continue;
      initial.set(target, { name: '-' });
      queue.push(target);
    }
  }

  // Lazy chunks are named after their entry point, as `ng build` does (profile.ts -> "profile").
  const lazyNames = new Map();
  for (const [file, output] of Object.entries(outputs)) {
    if (!initial.has(file) && output.entryPoint) {
      lazyNames.set(
        file,
        basename(output.entryPoint)
          .replace(/(.*:)/, '')
          .replace(/\.[cm]?[jt]s$/, '')
          .replace(/[\\/.]/g, '-'),
      );
    }
  }
  return { initial, lazyNames, imports };
}

/**
 * Without a metafile: what index.html loads up front is initial (module scripts, modulepreload
 * hints, stylesheets). Only the entry files can be named then.
 */
export function classifyFromIndexHtml(html) {
  const initial = new Map();
  const tags = html.matchAll(/<(script|link)\b([^>]*)>/gi);
  for (const [, tag, attributes] of tags) {
    const attribute = (name) =>
      new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(attributes)?.[1];
    const rel = attribute('rel');
    const url = tag.toLowerCase() === 'script' ? attribute('src') : attribute('href');
    if (!url || /^[a-z]+:/i.test(url) || url.startsWith('//')) continue;
    const file = basename(url);
    if (tag.toLowerCase() === 'script' || rel === 'stylesheet') {
      initial.set(file, { name: file.replace(/(?:-[\dA-Z]{8})?\.[a-z]{2,3}$/, '') });
    } else if (rel === 'modulepreload') {
      initial.set(file, { name: '-' });
    }
  }
  for (const file of initial.keys()) {
    if (!/\.(?:css|m?js)$/.test(file)) initial.delete(file);
  }
  return { initial, lazyNames: new Map(), imports: new Map() };
}

/**
 * A lazy chunk by name (e.g. "okta-runtime") with the lazy chunks it imports statically, which the
 * browser fetches with it: what loading that import() costs beyond the initial bundle. Null when
 * the build has no chunk of that name (no metafile, or the file was renamed).
 */
export function lazyChunkGroup({ files }, name) {
  const byFile = new Map(files.map((file) => [file.file, file]));
  const entry = files.find((file) => !file.initial && file.name === name);
  if (!entry) return null;
  const group = [entry];
  for (let index = 0; index < group.length; index++) {
    for (const target of group[index].imports) {
      const file = byFile.get(target);
      if (file && !file.initial && !group.includes(file)) group.push(file);
    }
  }
  const sum = (key) => group.reduce((total, file) => total + file[key], 0);
  return {
    name,
    files: group.map((file) => file.file),
    raw: sum('raw'),
    brotli: sum('brotli'),
    gzip: sum('gzip'),
  };
}

/**
 * The size budget angular.json sets for a bundle (`type` "initial", or "bundle" with `name`) in the
 * production configuration, as written there ("120kB"), or null.
 */
export function budgetOf(angularJson, type, name = undefined) {
  for (const project of Object.values(angularJson.projects ?? {})) {
    const budgets = project.architect?.build?.configurations?.production?.budgets ?? [];
    const budget = budgets.find((entry) => entry.type === type && entry.name === name);
    if (budget)
      return { warning: budget.maximumWarning ?? null, error: budget.maximumError ?? null };
  }
  return null;
}

/**
 * Where `size` (bytes) stands against a budget from budgetOf: "within budget", "over the warning"
 * or "over the error", with sizes read as @angular/build reads them (1 kB = 1000 bytes).
 */
export function budgetStatus(size, budget) {
  const bytes = (value) => {
    const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b)?$/i.exec(String(value ?? '').trim());
    if (!match) return Infinity;
    const unit = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 }[(match[2] ?? 'b').toLowerCase()];
    return Number(match[1]) * unit;
  };
  if (size > bytes(budget.error)) return 'over the error';
  if (size > bytes(budget.warning)) return 'over the warning';
  return 'within budget';
}

function totals(files) {
  const sum = (list, key) => list.reduce((total, file) => total + file[key], 0);
  const group = (list) => ({
    files: list.length,
    raw: sum(list, 'raw'),
    brotli: sum(list, 'brotli'),
    gzip: sum(list, 'gzip'),
  });
  const initial = files.filter((file) => file.initial);
  return {
    initial: group(initial),
    initialJs: group(initial.filter((file) => file.type === 'js')),
    initialCss: group(initial.filter((file) => file.type === 'css')),
    lazy: group(files.filter((file) => !file.initial)),
  };
}

/**
 * The table `ng build` prints (utils/stats-table.js, without colours): initial files then lazy
 * ones, each sorted by raw size, largest first, with the initial total. `besideTotal` rows
 * ([label, raw, transfer]) go right under the total, for figures to read against it.
 */
export function formatBuildTable({ files, totals: sums }, besideTotal = []) {
  const bySize = (a, b) => b.raw - a.raw;
  const row = (file) => [file.file, file.name, formatSize(file.raw), formatSize(file.brotli)];
  const titles = ['Names', 'Raw size', 'Estimated transfer size'];
  const rows = [];
  const initial = files.filter((file) => file.initial).sort(bySize);
  const lazy = files.filter((file) => !file.initial).sort(bySize);
  if (initial.length > 0) {
    rows.push(['Initial chunk files', ...titles], ...initial.map(row));
    rows.push(
      [],
      [' ', 'Initial total', formatSize(sums.initial.raw), formatSize(sums.initial.brotli)],
      ...besideTotal.map((cells) => [' ', ...cells]),
    );
  }
  if (initial.length > 0 && lazy.length > 0) rows.push([]);
  if (lazy.length > 0) rows.push(['Lazy chunk files', ...titles], ...lazy.map(row));

  const widths = [];
  for (const cells of rows) {
    cells.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  }
  return rows
    .map((cells) =>
      cells
        .map((cell, index) =>
          // The CLI right-aligns the two size columns.
          index >= 2 ? cell.padStart(widths[index]) : cell.padEnd(widths[index]),
        )
        .join(' | '),
    )
    .join('\n');
}

function isFile(dir, file) {
  return statSync(join(dir, file)).isFile();
}
