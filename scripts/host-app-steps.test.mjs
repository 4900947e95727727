// The README's "Add it to your app", read as steps (host-app-steps.mjs), which the host-app
// check follows and nothing else.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  importedPackages,
  installedPackages,
  installProblems,
  mergeBuildOptions,
  readGuide,
} from './host-app-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const guide = (body) => `# App\n\nintro\n\n## Add it to your app\n\n${body}\n## Next\n\ntext\n`;

describe("the README's guide", () => {
  const steps = readGuide(readme);

  it('installs exactly the SDK versions this repository is tested with, and all the folder imports', () => {
    const install = steps.find((step) => step.action === 'install');
    assert.deepEqual(
      installProblems(
        installedPackages(install.code),
        packageJson.dependencies,
        importedPackages(join(root, 'src/app/auth')),
        'src/app/auth',
      ),
      [],
    );
  });

  it('copies the auth folder, rewrites the bootstrap, providers and routes, and serves a config.json', () => {
    assert.deepEqual(
      steps.map(({ action, target }) => `${action} ${target}`.trim()),
      [
        'install',
        'copy src/app/auth',
        'write src/main.ts',
        'write src/app/app.config.ts',
        'write src/app/app.routes.ts',
        'write src/app/app.ts',
        'write src/app/profile.ts',
        'write public/config.json',
        'merge angular.json build options',
        'run',
      ],
    );
  });

  it('gives each file without the list indentation the README needs', () => {
    const main = steps.find((step) => step.target === 'src/main.ts');
    assert.match(main.code, /^import \{ bootstrapApplication \}/);
    assert.match(main.code, /^ {2}\.then\(/m);
  });
});

describe('readGuide', () => {
  it('takes the code block after each marker, inside a list item or not', () => {
    const steps = readGuide(
      guide(
        '1. Write it:\n\n   <!-- host-app: write src/a.ts -->\n\n   ```ts\n   const a = 1;\n     nested();\n   ```\n\n<!-- host-app: run -->\n```bash\nng serve\n```\n',
      ),
    );
    assert.deepEqual(steps, [
      { action: 'write', target: 'src/a.ts', code: 'const a = 1;\n  nested();\n' },
      { action: 'run', target: '', code: 'ng serve\n' },
    ]);
  });

  it('ignores markers outside the section', () => {
    const text = `<!-- host-app: write x.ts -->\n\`\`\`ts\nx\n\`\`\`\n${guide('<!-- host-app: run -->\n```\nng serve\n```\n')}<!-- host-app: write y.ts -->\n\`\`\`ts\ny\n\`\`\`\n`;
    assert.deepEqual(
      readGuide(text).map((step) => step.action),
      ['run'],
    );
  });

  it('refuses a guide it cannot follow: no section, no steps, an unknown step, a step without code', () => {
    assert.throws(() => readGuide('# App\n\n## Other\n'), /no "## Add it to your app" section/);
    assert.throws(() => readGuide(guide('Just prose.\n')), /has no host-app steps/);
    assert.throws(
      () => readGuide(guide('<!-- host-app: patch a.ts -->\n```ts\nx\n```\n')),
      /Unknown host-app step "patch"/,
    );
    assert.throws(
      () => readGuide(guide('<!-- host-app: write a.ts -->\n\nSome prose.\n')),
      /"write a.ts" has no code block/,
    );
    assert.throws(
      () => readGuide(guide('<!-- host-app: write a.ts -->\n```ts\nx\n')),
      /is not closed/,
    );
  });
});

describe('the install step', () => {
  const dependencies = { '@okta/okta-angular': '6.5.1', '@okta/okta-auth-js': '~7.14.5' };
  const folder = mkdtempSync(join(tmpdir(), 'auth-folder-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'testing'));
  writeFileSync(
    join(folder, 'a.ts'),
    "import { x } from '@okta/okta-auth-js/core';\nimport { inject } from '@angular/core';\nimport { of } from 'rxjs';\nimport { y } from './local';\nconst lazy = () => import('@okta/okta-angular');\n",
  );
  writeFileSync(join(folder, 'a.spec.ts'), "import { z } from 'jasmine-only-helper';\n");
  writeFileSync(join(folder, 'testing/fixtures.ts'), "import { w } from 'test-only';\n");

  it('reads the package names and ranges of the npm install line', () => {
    assert.deepEqual(
      [...installedPackages('# comment\nnpm install --save @okta/okta-angular@6.5.1 jose@^6\n')],
      [
        ['@okta/okta-angular', '6.5.1'],
        ['jose', '^6'],
      ],
    );
    assert.throws(
      () => installedPackages('npm install jose\n'),
      /"jose" in the install step has no version/,
    );
  });

  it('finds the packages the folder imports, by package name, leaving out its tests', () => {
    assert.deepEqual([...importedPackages(folder)].sort(), [
      '@angular/core',
      '@okta/okta-angular',
      '@okta/okta-auth-js',
      'rxjs',
    ]);
  });

  it('is right when it installs the tested versions of everything beyond ng new', () => {
    const installed = installedPackages(
      'npm install @okta/okta-angular@6.5.1 @okta/okta-auth-js@~7.14.5',
    );
    assert.deepEqual(
      installProblems(installed, dependencies, importedPackages(folder), 'auth'),
      [],
    );
  });

  it('names a version that differs from package.json, and a package the folder imports but the guide omits', () => {
    writeFileSync(join(folder, 'b.ts'), "import { jwtVerify } from 'jose';\n");
    try {
      const installed = installedPackages(
        'npm install @okta/okta-angular@6.4.0 @okta/okta-auth-js@~7.14.5',
      );
      assert.deepEqual(installProblems(installed, dependencies, importedPackages(folder), 'auth'), [
        'The guide installs @okta/okta-angular@6.4.0, but package.json has @okta/okta-angular 6.5.1.',
        "auth imports jose, which the guide's install step does not install.",
      ]);
    } finally {
      rmSync(join(folder, 'b.ts'));
    }
  });
});

describe('mergeBuildOptions', () => {
  it("adds the guide's keys to every project's build options, appending to lists that exist", () => {
    const angularJson = {
      projects: {
        one: {
          architect: {
            build: { options: { styles: ['a.css'], allowedCommonJsDependencies: ['x'] } },
          },
        },
        two: { architect: { build: { options: {} } } },
      },
    };
    mergeBuildOptions(angularJson, {
      allowedCommonJsDependencies: ['y'],
      fileReplacements: [{ replace: 'r', with: 'w' }],
    });
    assert.deepEqual(angularJson.projects.one.architect.build.options, {
      styles: ['a.css'],
      allowedCommonJsDependencies: ['x', 'y'],
      fileReplacements: [{ replace: 'r', with: 'w' }],
    });
    assert.deepEqual(angularJson.projects.two.architect.build.options.allowedCommonJsDependencies, [
      'y',
    ]);
  });

  it('refuses an angular.json it cannot extend', () => {
    assert.throws(() => mergeBuildOptions({ projects: {} }, {}), /no project/);
    assert.throws(
      () => mergeBuildOptions({ projects: { one: { architect: {} } } }, {}),
      /no build options/,
    );
  });
});
