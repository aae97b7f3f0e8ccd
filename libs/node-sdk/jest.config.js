module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'node-sdk',
  rootDir: __dirname,
};
