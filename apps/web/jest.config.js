// Unit tests of the web app's pure code (lib/): the same preset as the
// libraries, plus the app's "@/…" import alias. Components are covered by the
// browser tests in apps/web-e2e.
const path = require('node:path');
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'web',
  rootDir: __dirname,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^@/(.*)$': path.join(__dirname, 'src/$1'),
  },
};
