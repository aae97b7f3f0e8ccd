module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  // Each file starts the whole product; give it time.
  testTimeout: 120_000,
};
