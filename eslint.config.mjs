// Lint rules of the whole workspace. Module boundaries keep dependencies one
// way (DESIGN.md): the web app sees only shared definitions, libraries never
// import apps, handlers stay on the server.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const boundaries = (extraServerDeps = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:nodes'] },
      { sourceTag: 'scope:nodes', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
      { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server', 'scope:nodes', ...extraServerDeps] },
      { sourceTag: 'scope:simulator', onlyDependOnLibsWithTags: ['scope:simulator', 'scope:server', 'scope:shared'] },
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:simulator'] },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/.next/**',
      '**/node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      '.data/**',
      '.nx/**',
      '**/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-explicit-any': 'error',
      // Types come from validation (zod) or type guards, never from a cast.
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-exports': [
        'error',
        { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } },
      ],
    },
  },
  {
    // Engine tests run against the WhatsApp simulator in-process.
    files: ['apps/engine/src/**/*.spec.ts', 'apps/engine/src/test-support/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['scope:simulator']) },
  },
  {
    // The templates' own test validates them against the real node catalogue.
    files: ['libs/flow-templates/src/**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // The browser tests start the product exactly as `npm start` does, through its launcher in tools/.
    files: ['apps/web-e2e/src/support/product-stack.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // The engine's layers (docs/ARCHITECTURE.md): orchestration/ (event processing, runner, waits, work) sits over
    // logic/ (conditions, behaviour windows, intents, templates) and the feature folders; nothing below imports it.
    // Features enqueue work through dispatch/ (the Dispatcher), and the dispatchers run it through WorkHandler.
    // Only the composition roots (the app module, the test harness) wire orchestration in.
    files: ['apps/engine/src/**/*.ts'],
    ignores: ['apps/engine/src/orchestration/**', 'apps/engine/src/app.module.ts', 'apps/engine/src/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/orchestration', '**/orchestration/**'],
              message: 'Only orchestration/ and the composition roots import orchestration/: enqueue work through dispatch/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@parley/nodes/handlers', '@parley/node-sdk', '@parley/whatsapp', '@parley/whatsapp-simulator'],
              message: 'The web app imports shared definitions only, never server code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Next.js requires default exports from its route files and its config.
    files: [
      'apps/web/src/app/**/{page,layout,route,not-found,error,global-error,loading,template,default}.{ts,tsx}',
      'apps/web/next.config.ts',
    ],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.d.cts'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
