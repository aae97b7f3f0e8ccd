// Shared Jest settings: TypeScript through ts-jest in transpile-only mode
// (isolated modules, decorator metadata on for NestJS; `npm run typecheck`
// does the type checking), and workspace libraries resolved to their sources
// so tests never depend on a previous build.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        diagnostics: false,
        tsconfig: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          esModuleInterop: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          jsx: 'react-jsx',
          sourceMap: true,
          isolatedModules: true,
        },
      },
    ],
  },
  moduleNameMapper: {
    '^@parley/nodes/handlers$': path.join(libs, 'nodes/src/handlers.ts'),
    '^@parley/nodes$': path.join(libs, 'nodes/src/definitions.ts'),
    '^@parley/([a-z-]+)$': path.join(libs, '$1/src/index.ts'),
  },
  // Integration tests drive real PostgreSQL, Redis and HTTP; on a loaded 2-core CI
  // machine 5 s is not enough headroom. Nothing asserts on time. (`testTimeout` is a
  // global option that projects ignore, so it is set from a setup file.)
  setupFilesAfterEnv: [path.join(__dirname, 'tools/test/test-timeout.js')],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
};
