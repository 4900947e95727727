import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import {
  analyzeBuild,
  budgetOf,
  budgetStatus,
  classifyFromIndexHtml,
  classifyFromMetafile,
  estimatedTransferSize,
  formatBuildTable,
  lazyChunkGroup,
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

describe('the Okta chunk', () => {
  // main imports okta-runtime dynamically; okta-runtime pulls a lazy chunk of its own and the
  // initial shared chunk statically.
  const metafile = {
    outputs: {
      'main-AAAAAAAA.js': {
        entryPoint: 'src/main.ts',
        imports: [
          { path: 'chunk-SH_red01.js', kind: 'import-statement' },
          { path: 'chunk-okta0001.js', kind: 'dynamic-import' },
        ],
      },
      'chunk-SH_red01.js': { imports: [] },
      'chunk-okta0001.js': {
        entryPoint: 'src/app/auth/okta-runtime.ts',
        imports: [
          { path: 'chunk-SH_red01.js', kind: 'import-statement' },
          { path: 'chunk-oktaDep1.js', kind: 'import-statement' },
        ],
      },
      'chunk-oktaDep1.js': { imports: [{ path: 'chunk-late0001.js', kind: 'dynamic-import' }] },
      'chunk-late0001.js': { entryPoint: 'src/app/late.ts', imports: [] },
    },
  };

  it('is the okta-runtime chunk with the lazy chunks it imports statically', () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-okta-'));
    const browser = join(out, 'browser');
    mkdirSync(browser);
    writeFileSync(
      join(browser, 'index.html'),
      '<script src="main-AAAAAAAA.js" type="module"></script>',
    );
    for (const [file, size] of [
      ['main-AAAAAAAA.js', 3000],
      ['chunk-SH_red01.js', 2000],
      ['chunk-okta0001.js', 1500],
      ['chunk-oktaDep1.js', 400],
      ['chunk-late0001.js', 100],
    ]) {
      writeFileSync(join(browser, file), 'x'.repeat(size));
    }
    writeFileSync(join(out, 'browser-stats.json'), JSON.stringify(metafile));
    const build = analyzeBuild(out);
    const group = lazyChunkGroup(build, 'okta-runtime');
    assert.deepEqual(group.files, ['chunk-okta0001.js', 'chunk-oktaDep1.js']);
    assert.equal(group.raw, 1900);
    assert.equal(lazyChunkGroup(build, 'no-such-chunk'), null);
  });

  it("reads the budgets angular.json's production configuration sets", () => {
    const angularJson = {
      projects: {
        app: {
          architect: {
            build: {
              configurations: {
                production: {
                  budgets: [
                    { type: 'initial', maximumWarning: '300kB', maximumError: '330kB' },
                    {
                      type: 'bundle',
                      name: 'okta-runtime',
                      maximumWarning: '120kB',
                      maximumError: '140kB',
                    },
                  ],
                },
              },
            },
          },
        },
      },
    };
    assert.deepEqual(budgetOf(angularJson, 'bundle', 'okta-runtime'), {
      warning: '120kB',
      error: '140kB',
    });
    assert.deepEqual(budgetOf(angularJson, 'initial'), { warning: '300kB', error: '330kB' });
    assert.equal(budgetOf(angularJson, 'bundle', 'profile'), null);
  });

  it('says whether a size is within its budget, over the warning or over the error (1 kB = 1000 bytes)', () => {
    const budget = { warning: '300kB', error: '330kB' };
    assert.deepEqual(
      [300_000, 304_120, 330_001].map((size) => budgetStatus(size, budget)),
      ['within budget', 'over the warning', 'over the error'],
    );
  });

  it('prints rows given beside the initial total right under it', () => {
    const table = formatBuildTable(
      {
        files: [{ file: 'main-AAAAAAAA.js', name: 'main', initial: true, raw: 3000, brotli: 900 }],
        totals: { initial: { raw: 3000, brotli: 900 } },
      },
      [['Critical-path JS (2 scripts, measured)', '4.00 kB', '1.20 kB as served']],
    ).split('\n');
    const total = table.findIndex((line) => line.includes('Initial total'));
    assert.match(
      table[total + 1],
      /\| Critical-path JS \(2 scripts, measured\) \|\s+4\.00 kB \|\s+1\.20 kB as served$/,
    );
  });
});
