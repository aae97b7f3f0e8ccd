module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'whatsapp-simulator',
  rootDir: __dirname,
};
