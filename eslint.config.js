// @ts-check
import js from '@eslint/js';
import angular from 'angular-eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Property and option names that focus or skip tests in Jasmine, Playwright and node:test. */
const SKIP_OR_FOCUS = '/^(only|skip|fixme|todo)$/';

export default tseslint.config(
  {
    files: ['**/*.ts'],
    extends: [
      ...tseslint.configs.recommended,
      ...tseslint.configs.stylistic,
      ...angular.configs.tsRecommended,
    ],
    processor: angular.processInlineTemplates,
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'app', style: 'camelCase' },
      ],
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'app', style: 'kebab-case' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // Outside the Okta chunk (okta-runtime.ts) the app imports Okta types only: a value import
    // would put okta-angular and okta-auth-js back into the initial bundle (see README).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/app/auth/okta-runtime.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['@okta/okta-angular', '@okta/okta-auth-js', '@okta/okta-auth-js/core'].map(
            (name) => ({
              name,
              allowTypeImports: true,
              message: 'Import Okta types only here; the SDK comes from loadOktaRuntime().',
            }),
          ),
        },
      ],
    },
  },
  {
    files: ['**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
  {
    // The Node side: start/serve/test scripts, the sample API and the embedded provider.
    files: ['**/*.mjs', '*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, ecmaVersion: 'latest', sourceType: 'module' },
  },
  {
    files: ['e2e/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // A focused or skipped test makes `npm test` pass while running less than it claims. Jasmine
    // (src/), Playwright (e2e/) and node:test (*.test.mjs) each have their own spellings; all fail
    // lint. scripts/lint-rules.test.mjs proves that each one is reported.
    files: ['src/**/*.spec.ts', 'e2e/**/*.ts', '**/*.test.mjs'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fit', 'fdescribe', 'xit', 'xdescribe', 'pending'].map((name) => ({
          name,
          message: `${name}() focuses or skips Jasmine specs; every spec must run.`,
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          // it.only, test.skip, test.describe.fixme, t.skip(), it.todo, test['only'], ...
          selector: `MemberExpression:matches([property.name=${SKIP_OR_FOCUS}], [property.value=${SKIP_OR_FOCUS}])`,
          message: 'Focused, skipped or to-do tests are not allowed; every test must run.',
        },
        {
          // Playwright's test.fail() inverts the result: a broken test would pass.
          selector: "MemberExpression[object.name='test'][property.name='fail']",
          message: 'test.fail() makes a failing test pass; fix the test or the code instead.',
        },
        {
          // node:test's options: test('…', { skip: true }, fn), describe('…', { only: true }), …
          selector: `CallExpression > ObjectExpression > Property:matches([key.name=${SKIP_OR_FOCUS}], [key.value=${SKIP_OR_FOCUS}])`,
          message: 'Focused, skipped or to-do tests are not allowed; every test must run.',
        },
        {
          // A test without a body is pending in Jasmine and passes without running in node:test.
          selector: 'CallExpression[callee.name=/^(it|test)$/][arguments.length<2]',
          message: 'A test needs a body that runs; a title alone is a pending test.',
        },
      ],
    },
  },
);
