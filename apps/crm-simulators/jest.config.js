module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'crm-simulators-app',
  rootDir: __dirname,
};
