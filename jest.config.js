// One Jest run over every project; `npm test` (tools/test/run-tests.mjs) adds
// the database and browser setup around it.
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js'],
  globalSetup: '<rootDir>/tools/test/global-setup.js',
  globalTeardown: '<rootDir>/tools/test/global-teardown.js',
};
