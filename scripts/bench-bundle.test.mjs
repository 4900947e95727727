import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import {
  analyzeBuild,
  classifyFromIndexHtml,
  classifyFromMetafile,
  estimatedTransferSize,
  formatBuildTable,
} from './bench-bundle.mjs';

// The shape `ng build --stats-json` writes: main imports a shared chunk statically and the route
// chunks dynamically; the route chunks have entry points of their own.
const METAFILE = {
  outputs: {
    'main-AAAAAAAA.js': {
      bytes: 10,
      entryPoint: 'src/main.ts',
      imports: [
        { path: 'chunk-SH_red01.js', kind: 'import-statement' },
        { path: 'chunk-lazyOne1.js', kind: 'dynamic-import' },
      ],
    },
    'chunk-SH_red01.js': { bytes: 10, imports: [] },
    'chunk-lazyOne1.js': {
      bytes: 10,
      entryPoint: 'src/app/profile/profile.ts',
      imports: [
        { path: 'main-AAAAAAAA.js', kind: 'import-statement' },
        { path: 'chunk-SH_red01.js', kind: 'import-statement' },
      ],
    },
    'styles-BBBBBBBB.css': { bytes: 10, entryPoint: 'angular:styles/global:styles', imports: [] },
    // Component styles are outputs in the metafile but never files of their own.
    'app-CCCCCCCC.css': { bytes: 10, imports: [] },
  },
};

describe('initial files', () => {
  it('takes the entry points and their static imports, not the dynamic ones', () => {
    const { initial, lazyNames } = classifyFromMetafile(METAFILE);
    assert.deepEqual([...initial.keys()].sort(), [
      'chunk-SH_red01.js',
      'main-AAAAAAAA.js',
      'styles-BBBBBBBB.css',
    ]);
    assert.equal(initial.get('main-AAAAAAAA.js').name, 'main');
    assert.equal(initial.get('styles-BBBBBBBB.css').name, 'styles');
    assert.equal(initial.get('chunk-SH_red01.js').name, '-');
    assert.equal(lazyNames.get('chunk-lazyOne1.js'), 'profile');
  });

  it('reads script, modulepreload and stylesheet tags when there is no metafile', () => {
    const { initial } = classifyFromIndexHtml(
      '<link rel="icon" href="favicon.ico"><link rel="stylesheet" href="styles-BBBBBBBB.css">' +
        '<link rel="modulepreload" href="chunk-SH_red01.js"><script src="main-AAAAAAAA.js" type="module"></script>' +
        '<script src="https://cdn.example.com/x.js"></script>',
    );
    assert.deepEqual(
      [...initial.entries()],
      [
        ['styles-BBBBBBBB.css', { name: 'styles' }],
        ['chunk-SH_red01.js', { name: '-' }],
        ['main-AAAAAAAA.js', { name: 'main' }],
      ],
    );
  });
});

describe('estimated transfer size', () => {
  it('is brotli as ng build computes it, and the raw size under 1 KiB', () => {
    const small = Buffer.from('x'.repeat(1023));
    assert.equal(estimatedTransferSize(small), 1023);
    const large = Buffer.from('const answer = 42;\n'.repeat(200));
    assert.equal(estimatedTransferSize(large), brotliCompressSync(large).byteLength);
  });
});

describe('a build on disk', () => {
  function fakeBuild({ withStats }) {
    const out = mkdtempSync(join(tmpdir(), 'bench-build-'));
    const browser = join(out, 'browser');
    mkdirSync(browser);
    writeFileSync(
      join(browser, 'index.html'),
      '<link rel="stylesheet" href="styles-BBBBBBBB.css"><link rel="modulepreload" href="chunk-SH_red01.js">' +
        '<script src="main-AAAAAAAA.js" type="module"></script>',
    );
    writeFileSync(join(browser, 'main-AAAAAAAA.js'), 'm'.repeat(3000));
    writeFileSync(join(browser, 'chunk-SH_red01.js'), 's'.repeat(2000));
    writeFileSync(join(browser, 'chunk-lazyOne1.js'), 'l'.repeat(100));
    writeFileSync(join(browser, 'styles-BBBBBBBB.css'), 'c'.repeat(50));
    writeFileSync(join(browser, 'favicon.ico'), 'icon');
    if (withStats) writeFileSync(join(out, 'browser-stats.json'), JSON.stringify(METAFILE));
    return out;
  }

  it('sums initial JS and CSS and prints the table the way ng build does', () => {
    const result = analyzeBuild(fakeBuild({ withStats: true }));
    assert.match(result.source, /browser-stats\.json/);
    assert.equal(result.totals.initialJs.raw, 5000);
    assert.equal(result.totals.initialCss.raw, 50);
    assert.equal(result.totals.lazy.files, 1);
    const table = formatBuildTable(result).split('\n');
    assert.match(
      table[0],
      /^Initial chunk files \| Names\s+\|\s+Raw size \| Estimated transfer size$/,
    );
    assert.match(table[1], /^main-AAAAAAAA\.js\s+\| main\s+\|\s+3\.00 kB \|\s+\S+ bytes$/);
    assert.ok(table.some((line) => /\| Initial total \|\s+5\.05 kB \|/.test(line)));
    assert.ok(
      table.some((line) => /^chunk-lazyOne1\.js\s+\| profile\s+\| 100 bytes \|/.test(line)),
    );
  });

  it('falls back to index.html and says so when there are no stats', () => {
    const result = analyzeBuild(fakeBuild({ withStats: false }));
    assert.match(result.source, /index\.html/);
    assert.equal(result.totals.initial.files, 3);
  });
});
