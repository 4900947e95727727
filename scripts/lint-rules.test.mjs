// The lint rule that keeps `npm test` honest (eslint.config.js): every way of focusing or skipping
// a test in Jasmine, Playwright or node:test must be reported, or a green run could be running
// less than it claims. These snippets go through the project's own ESLint configuration.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GUARD_RULES = new Set(['no-restricted-globals', 'no-restricted-syntax']);

/** Where each kind of test lives; the snippets are linted as if they were there. */
const FILES = {
  jasmine: 'src/app/example.spec.ts',
  playwright: 'e2e/example.spec.ts',
  playwrightHelper: 'e2e/fixtures-example.ts',
  node: 'api/example.test.mjs',
};

const BANNED = {
  jasmine: [
    "fit('runs alone', () => expect(1).toBe(1));",
    "fdescribe('runs alone', () => undefined);",
    "xit('never runs', () => expect(1).toBe(1));",
    "xdescribe('never runs', () => undefined);",
    "it('stops early', () => pending('later'));",
    "it('has no body');",
  ],
  playwright: [
    "test.only('runs alone', async () => undefined);",
    "test.describe.only('runs alone', () => undefined);",
    "test.skip('never runs', async () => undefined);",
    "test.describe.skip('never runs', () => undefined);",
    "test('skips itself', async () => test.skip(true, 'not today'));",
    "test.fixme('never runs', async () => undefined);",
    "test.describe.fixme('never runs', () => undefined);",
    "test.fail('passes when broken', async () => undefined);",
    "test['only']('runs alone', async () => undefined);",
  ],
  playwrightHelper: ['export const focus = () => test.only;'],
  node: [
    "it.only('runs alone', () => undefined);",
    "test.only('runs alone', () => undefined);",
    "describe.only('runs alone', () => undefined);",
    "test.skip('never runs', () => undefined);",
    "describe.skip('never runs', () => undefined);",
    "suite.skip('never runs', () => undefined);",
    "test.todo('later');",
    "test('never runs', { skip: true }, () => undefined);",
    "test('never runs', { skip: 'flaky' }, () => undefined);",
    "test('runs alone', { only: true }, () => undefined);",
    "describe('later', { todo: true }, () => undefined);",
    "test('skips itself', (t) => t.skip('no'));",
    "test('parent', (t) => t.test('child', { skip: true }, () => undefined));",
    "test('has no body');",
  ],
};

const ALLOWED = {
  jasmine:
    "describe('a', () => it('b', () => { if (!globalThis) fail('x'); expect(1).toBe(1); }));",
  playwright:
    "test.describe('a', () => { test.describe.configure({ timeout: 1 }); test('b', async () => undefined); });",
  node: "test('a', { timeout: 1000 }, () => assert.fail('only when broken'));",
};

let eslint;
before(() => {
  eslint = new ESLint({ cwd: root });
});

async function guardMessages(code, filePath) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((message) => GUARD_RULES.has(message.ruleId));
}

describe('the focused-or-skipped-test lint rule', () => {
  for (const [kind, snippets] of Object.entries(BANNED)) {
    for (const code of snippets) {
      it(`reports ${code} in ${FILES[kind]}`, async () => {
        const messages = await guardMessages(code, FILES[kind]);
        assert.ok(messages.length > 0, `${code} was not reported`);
        assert.equal(messages[0].severity, 2, 'reported as an error, not a warning');
      });
    }
  }

  for (const [kind, code] of Object.entries(ALLOWED)) {
    it(`leaves ordinary ${kind} tests alone`, async () => {
      assert.deepEqual(await guardMessages(code, FILES[kind]), []);
    });
  }

  it('covers every folder that `ng lint` lints tests in', () => {
    const angular = JSON.parse(readFileSync(join(root, 'angular.json'), 'utf8'));
    const [project] = Object.values(angular.projects);
    const patterns = project.architect.lint.options.lintFilePatterns;
    const testFolders = ['src/**/*.ts', 'e2e/**/*.ts', 'api/**/*.mjs', 'dev-provider/**/*.mjs'];
    for (const pattern of [...testFolders, 'scripts/**/*.mjs']) {
      assert.ok(patterns.includes(pattern), `ng lint does not lint ${pattern}`);
    }
  });
});
