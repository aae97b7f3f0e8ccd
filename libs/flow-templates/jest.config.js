module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'flow-templates',
  rootDir: __dirname,
};
