module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  // testTimeout is a global option that projects ignore, so the timeout is set per file.
  setupFilesAfterEnv: ['<rootDir>/src/support/jest-timeout.ts'],
};
