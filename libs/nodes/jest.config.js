module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nodes',
  rootDir: __dirname,
};
