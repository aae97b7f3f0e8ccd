// Gives every test file a PostgreSQL server to create its own databases on:
// the one in DATABASE_URL when set (CI points it at the machine's server),
// otherwise an embedded PostgreSQL started here for the run and removed after.
// If it cannot start, the run ends with one sentence saying what to do.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { freePort } = require('../lib/free-port.cjs');
const { StartError, exitWithFailure } = require('../lib/start-error.cjs');
const { startEmbeddedPostgres } = require('../lib/embedded-postgres.cjs');
const { canReach, postgresRunner } = require('../lib/postgres-runner.cjs');

async function startTestPostgres() {
  const runner = postgresRunner();
  if (!canReach(runner, tmpdir())) {
    throw new StartError(
      `The tests' PostgreSQL runs as the "${runner.name}" user, who cannot enter the temporary folder ${tmpdir()}: set TMPDIR to a folder it can enter (such as /tmp), or set DATABASE_URL.`,
    );
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-test-pg-'));
  try {
    return await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      password: 'parley-test',
      settings: { max_connections: 300, fsync: 'off' },
      removeDataOnStop: true,
      runner,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

module.exports = async () => {
  if (process.env.DATABASE_URL) {
    process.env.PARLEY_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  try {
    const server = await startTestPostgres();
    globalThis.__PARLEY_TEST_PG__ = server;
    process.env.PARLEY_TEST_ADMIN_URL = server.url;
  } catch (error) {
    // Thrown, Jest would print a stack; without a database no test can run anyway.
    exitWithFailure(error, 'npm test');
  }
};
