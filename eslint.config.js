// @ts-check
import js from '@eslint/js';
import angular from 'angular-eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
);
