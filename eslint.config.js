// @ts-check
const eslint = require('@eslint/js');
const { defineConfig } = require('eslint/config');
const tseslint = require('typescript-eslint');
const angular = require('angular-eslint');

/**
 * Tier boundaries: a relative import that climbs into one of `folders`. api/ is the
 * contract every tier reads, so it imports no tier; the Lambdas deploy on their own,
 * so they never reach into the local cloud or the stack; the app ships to browsers.
 */
function forbid(folders, why) {
  return {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message: why }] },
    ],
  };
}

module.exports = defineConfig([
  {
    ignores: [
      'dist/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      '.angular/',
      '**/cdk.out/',
      '**/node_modules/',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.recommended, tseslint.configs.stylistic],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // One job per file: a file past 400 lines or a function past 100 is doing several.
    // Tests and benches read top to bottom as lists of cases, so they are left out.
    files: ['**/*.{ts,js,mjs}'],
    ignores: ['**/*.test.ts', '**/*.spec.ts', '**/*.e2e.ts', '**/*.bench.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: forbid(
      ['src', 'lambda', 'local', 'infra', 'node-testing', 'e2e', 'scripts'],
      'api/ is the contract the tiers share: it depends on none of them.',
    ),
  },
  {
    files: ['lambda/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.bench.ts'],
    rules: forbid(
      ['src', 'local', 'infra', 'node-testing', 'e2e', 'scripts'],
      'A Lambda deploys alone: it may use api/ and lambda/ only.',
    ),
  },
  {
    files: ['lambda/**/*.test.ts', 'lambda/**/*.bench.ts'],
    rules: forbid(
      ['src', 'local', 'infra', 'e2e', 'scripts'],
      "The Lambdas' tests reach the local cloud through node-testing/ only.",
    ),
  },
  {
    files: ['{local,infra/lib,infra/bin,infra/scripts,scripts,node-testing}/**/*.{ts,js,mjs}'],
    ignores: ['**/*.test.ts', '**/*.bench.ts'],
    rules: forbid(
      ['lambda'],
      'lambda/ is what deploys, not a library: read the pet data model from api/ ' +
        '(tests and benches may import lambda/).',
    ),
  },
  {
    // The page's loader, a classic script in the head of every page (src/index.html):
    // the browser's globals, no modules.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        location: 'readonly',
        sessionStorage: 'readonly',
        PerformanceObserver: 'readonly',
      },
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: forbid(
      ['lambda', 'local', 'infra', 'node-testing', 'e2e', 'scripts'],
      'The app ships to browsers: it may use api/ and src/ only.',
    ),
  },
  {
    files: ['src/**/*.ts'],
    extends: [angular.configs.tsRecommended],
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
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
    },
  },
  {
    files: ['src/**/*.html'],
    extends: [angular.configs.templateRecommended, angular.configs.templateAccessibility],
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [eslint.configs.recommended],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
]);
