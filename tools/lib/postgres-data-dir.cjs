// Where `npm start` keeps the embedded PostgreSQL's data: `.data/postgres` in
// the clone whenever the user PostgreSQL runs as can enter it. Under root, a
// clone in a folder the "postgres" user cannot enter (/root, a `mktemp -d`
// folder) keeps it in /var/lib/parley/<clone folder>-<hash of its path>/postgres
// instead, and `.data/postgres` is a link to it, so it is found from the clone
// and survives restarts the same way.
const { createHash } = require('node:crypto');
const {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
} = require('node:fs');
const { basename, join, resolve } = require('node:path');
const { canReach } = require('./postgres-runner.cjs');
const { StartError } = require('./start-error.cjs');

// Root-owned and world-readable, so the "postgres" user can reach it and nobody else can change it.
const SHARED_STATE = '/var/lib/parley';

function lstatOrNull(path) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** The folder outside the clone that holds this clone's data, named after the clone so it is easy to recognise. */
function sharedDataDir(repoRoot) {
  const real = realpathSync(repoRoot);
  const key = createHash('sha256').update(real).digest('hex').slice(0, 12);
  return join(SHARED_STATE, `${basename(real)}-${key}`);
}

/** The data folder for `runner` (see postgres-runner.cjs); `dataDir` is the clone's `.data`. */
function embeddedDataDir({ repoRoot, dataDir, runner }) {
  const local = join(dataDir, 'postgres');
  const existing = lstatOrNull(local);
  if (existing?.isSymbolicLink()) return resolve(dataDir, readlinkSync(local));
  if (!runner || canReach(runner, dataDir)) return local;
  const shared = sharedDataDir(repoRoot);
  const target = join(shared, 'postgres');
  // An empty folder is what a start that failed before this fix left behind.
  if (existing?.isDirectory() && readdirSync(local).length === 0) rmdirSync(local);
  else if (existing) {
    throw new StartError(
      `PostgreSQL's data in ${local} is in a folder the "${runner.name}" user cannot enter: move it with \`mv ${local} ${target} && ln -s ${target} ${local}\`, or move the clone to a folder that user can enter.`,
    );
  }
  try {
    mkdirSync(shared, { recursive: true });
    chmodSync(SHARED_STATE, 0o755);
    chmodSync(shared, 0o755);
    writeFileSync(join(shared, 'CLONE'), `PostgreSQL data of the Parley clone in ${realpathSync(repoRoot)}\n`);
    symlinkSync(target, local);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? error.code : String(error);
    throw new StartError(
      `Could not prepare ${shared} for PostgreSQL's data (${reason}): make ${SHARED_STATE} writable, clone Parley into a folder the "${runner.name}" user can enter, or set DATABASE_URL.`,
    );
  }
  return target;
}

module.exports = { embeddedDataDir, SHARED_STATE };
