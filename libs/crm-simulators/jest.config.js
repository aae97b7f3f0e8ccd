module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'crm-simulators',
  rootDir: __dirname,
};
