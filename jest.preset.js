// Shared Jest settings: TypeScript through SWC (decorator metadata on, for
// NestJS), and workspace libraries resolved to their sources so tests never
// depend on a previous build.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true, tsx: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@parley/nodes/handlers$': path.join(libs, 'nodes/src/handlers.ts'),
    '^@parley/nodes$': path.join(libs, 'nodes/src/definitions.ts'),
    '^@parley/([a-z-]+)$': path.join(libs, '$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
};
