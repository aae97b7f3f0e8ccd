module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'wa-simulator',
  rootDir: __dirname,
};
