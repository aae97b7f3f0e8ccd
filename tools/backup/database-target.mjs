// Which PostgreSQL a backup or restore talks to: DATABASE_URL (or --database-url),
// else the embedded PostgreSQL of `npm start`: the running one when its port is
// taken (npm start is up), else one started here for the job and stopped after.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { dataDir, repoRoot } = require('../lib/repo.cjs');
const { portIsFree } = require('../lib/free-port.cjs');
const { startEmbeddedPostgres } = require('../lib/embedded-postgres.cjs');
const { embeddedDataDir } = require('../lib/postgres-data-dir.cjs');
const { postgresRunner } = require('../lib/postgres-runner.cjs');

export { dataDir, repoRoot };

/** The value of `--name value` or `--name=value` in argv, if given. */
export function option(argv, name) {
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

/** The installation's secrets file (`npm start` keeps it in .data/secrets.json). */
export function secretsFile(argv) {
  return option(argv, 'secrets') ?? process.env.PARLEY_SECRETS_FILE ?? join(dataDir, 'secrets.json');
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * { url, embedded, stop() }: the database to work on. For the embedded
 * PostgreSQL the password comes from the secrets file (after a restore, the
 * restored one), so that file must be in place first.
 */
export async function openDatabase(argv, log) {
  const given = option(argv, 'database-url') ?? process.env.DATABASE_URL;
  if (given) return { url: given, embedded: false, stop: async () => {} };
  const file = secretsFile(argv);
  if (!existsSync(file)) {
    throw new Error(`No DATABASE_URL, and no ${file} of an embedded PostgreSQL: set DATABASE_URL (or --database-url).`);
  }
  const { postgresPassword } = readJson(file);
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const url = `postgres://parley:${encodeURIComponent(postgresPassword)}@127.0.0.1:${port}/parley`;
  if (!(await portIsFree(port))) {
    log(`Using the embedded PostgreSQL running on port ${port} (npm start).`);
    return { url, embedded: true, stop: async () => {} };
  }
  const runner = postgresRunner();
  const pgData = embeddedDataDir({ repoRoot, dataDir, runner });
  log(`Starting the embedded PostgreSQL (data in ${pgData}) for this job...`);
  const database = await startEmbeddedPostgres({ dataDir: pgData, port, password: postgresPassword, database: 'parley', runner });
  return { url: database.url, embedded: true, stop: () => database.stop() };
}

/** A URL for messages: the password never printed. */
export function shownUrl(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
