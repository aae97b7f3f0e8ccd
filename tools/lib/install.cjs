// Installs dependencies when node_modules is missing or older than the lockfile.
// Only Node built-ins here: this runs before anything is installed.
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { repoRoot } = require('./repo.cjs');
const { StartError } = require('./start-error.cjs');

const stampFile = join(repoRoot, 'node_modules', '.parley-install-stamp');

function lockHash() {
  return createHash('sha256')
    .update(readFileSync(join(repoRoot, 'package-lock.json')))
    .digest('hex');
}

function ensureInstalled(log = console.log) {
  const wanted = lockHash();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === wanted) return false;
  log('Installing dependencies (npm ci)... this takes a few minutes the first time.');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new StartError(
      `Installing dependencies failed (npm ci ${result.error ? result.error.message : `exit code ${result.status}`}): fix what npm reports above (network, disk space, Node.js version) and run the command again.`,
    );
  }
  writeFileSync(stampFile, `${wanted}\n`);
  return true;
}

module.exports = { ensureInstalled };
