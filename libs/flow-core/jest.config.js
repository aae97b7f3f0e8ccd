module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'flow-core',
  rootDir: __dirname,
};
