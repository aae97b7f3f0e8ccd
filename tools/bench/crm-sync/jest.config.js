// Runs the CRM sync bench through Jest only for its TypeScript transform and the engine's test harness.
const path = require('node:path');
const preset = require('../../../jest.preset.js');

module.exports = {
  ...preset,
  rootDir: __dirname,
  testMatch: ['<rootDir>/crm-sync.bench.ts'],
  setupFilesAfterEnv: [],
  testTimeout: 3_600_000,
  moduleNameMapper: preset.moduleNameMapper,
  roots: [__dirname, path.join(__dirname, '../../../apps/engine/src')],
};
