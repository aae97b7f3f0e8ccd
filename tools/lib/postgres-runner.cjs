// Who the embedded PostgreSQL runs as. PostgreSQL refuses to run as root, so
// under root it runs as the "postgres" system user (created when missing);
// otherwise as whoever runs the command. That user must reach the binaries and
// the data folder by path, which a root clone in /root or in a `mktemp -d`
// folder (mode 700) does not allow: canReach() tells before anything is spawned.
const { execFileSync, spawnSync } = require('node:child_process');
const { StartError } = require('./start-error.cjs');

const POSTGRES_USER = 'postgres';

function userIds(name) {
  const id = (flag) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

function createSystemUser(name) {
  const hasGroup = spawnSync('getent', ['group', name], { stdio: 'ignore' }).status === 0;
  if (!hasGroup) execFileSync('groupadd', ['--system', name], { stdio: 'pipe' });
  execFileSync('useradd', ['--system', '--gid', name, '--no-create-home', name], { stdio: 'pipe' });
}

/** null when PostgreSQL runs as the current user; under root `{ name, uid, gid }` of the "postgres" user. */
function postgresRunner() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const existing = userIds(POSTGRES_USER);
  if (existing) return existing;
  try {
    createSystemUser(POSTGRES_USER);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StartError(
      `PostgreSQL cannot run as root and no "${POSTGRES_USER}" user could be created (${reason}): create one (useradd --system ${POSTGRES_USER}) or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const created = userIds(POSTGRES_USER);
  if (!created)
    throw new StartError(`The "${POSTGRES_USER}" user was created but cannot be looked up: check /etc/passwd, or set DATABASE_URL.`);
  return created;
}

/**
 * True when `runner` can reach `path` (search permission on every folder on the
 * way, and on `path` itself: enter a folder, run a program). The check runs as
 * that user, exactly as the server will (Node drops root's supplementary groups).
 */
function canReach(runner, path) {
  if (!runner) return true;
  return spawnSync('test', ['-x', path], { uid: runner.uid, gid: runner.gid, stdio: 'ignore' }).status === 0;
}

module.exports = { postgresRunner, canReach };
