/* global jest -- Jest's global in a setupFilesAfterEnv file */
// Loaded by every project through jest.preset.js (see the comment there).
jest.setTimeout(30_000);
