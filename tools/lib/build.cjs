// Builds every project through Nx (cached: a second run with no change is quick).
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { repoRoot } = require('./repo.cjs');
const { StartError } = require('./start-error.cjs');

function buildAll() {
  const nx = join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'nx.cmd' : 'nx');
  const result = spawnSync(nx, ['run-many', '-t', 'build', '--output-style=static'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    throw new StartError(
      `The build failed (${result.error ? result.error.message : `exit code ${result.status}`}): fix the error Nx reports above and run the command again.`,
    );
  }
}

module.exports = { buildAll };
