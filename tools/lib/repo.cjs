// Paths of the repository, for the scripts under tools/.
const { join } = require('node:path');

const repoRoot = join(__dirname, '..', '..');
const dataDir = join(repoRoot, '.data');

module.exports = { repoRoot, dataDir };
