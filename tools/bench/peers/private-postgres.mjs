// A PostgreSQL cluster of the benchmark's own, with pg_stat_statements loaded.
//
// Why not the machine's server: pg_stat_statements has to be in
// shared_preload_libraries, which only a restart applies, and the machine's
// server is shared with other sessions (restarting it is not ours to do). Its
// CPU and counters would also mix our work with theirs. So the bench runs the
// machine's own PostgreSQL binaries (same major version as the server on
// :5432 when there is one) on a fresh data folder, copies the settings that
// matter for throughput from the machine's server (fsync, shared_buffers,
// autovacuum...), and stops and removes it at the end.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client, freePort, log, onCleanup, sleep } from '../engine/bench-lib.mjs';

/** Settings copied from the machine's server when it answers (the rest stay at PostgreSQL's defaults). */
const MIRRORED = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'effective_cache_size',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'wal_buffers',
  'max_wal_size',
  'min_wal_size',
  'checkpoint_timeout',
  'autovacuum',
  'jit',
  'random_page_cost',
];

/** The machine's server settings worth copying, or null when it does not answer. */
async function machineSettings(url) {
  const client = new Client({ connectionString: url, application_name: 'parley-peers-bench', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const rows = (
      await client.query(
        `SELECT name, setting, unit, current_setting('server_version_num')::int AS version FROM pg_settings WHERE name = ANY($1::text[])`,
        [MIRRORED],
      )
    ).rows;
    return {
      major: Math.floor(Number(rows[0]?.version ?? 0) / 10000) || null,
      settings: Object.fromEntries(rows.map((r) => [r.name, withUnit(r.setting, r.unit)])),
    };
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** pg_settings reports '16384' with unit '8kB': written back as '128MB' style values PostgreSQL accepts. */
function withUnit(setting, unit) {
  if (!unit) return setting;
  const match = /^(\d+)?([a-zA-Z]+)$/.exec(unit);
  if (!match) return setting;
  const factor = Number(match[1] ?? 1);
  const base = match[2];
  const value = Number(setting) * factor;
  if (base === 'kB') return `${value}kB`;
  if (base === 'MB') return `${value}MB`;
  if (base === 'B') return `${value}B`;
  if (base === 's' || base === 'ms' || base === 'min') return `${value}${base}`;
  return setting;
}

/** Where the PostgreSQL binaries of `major` are (Debian's layout), or null. */
function binDir(major) {
  const candidates = [];
  if (major) candidates.push(`/usr/lib/postgresql/${major}/bin`);
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
      candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // No Debian PostgreSQL packages.
  }
  return candidates.find((dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) ?? null;
}

/**
 * Starts the private cluster. Returns { url (postgres database), port, version, settings, binDir, postmasterPid, stop }.
 * `machineUrl` is only read (settings to copy, version to match). `extra`: more server settings (--pg-set).
 */
export async function startPrivatePostgres(machineUrl, { track = 'top', logFile = null, extra = {} } = {}) {
  const machine = await machineSettings(machineUrl);
  const bin = binDir(machine?.major ?? null);
  if (!bin) throw new Error('no PostgreSQL binaries found under /usr/lib/postgresql (install postgresql, or pass --pg=URL of a server)');
  const dataDir = mkdtempSync(join(os.tmpdir(), 'parley-peers-pg-'));
  // PostgreSQL refuses to run as root: under root it runs as the "postgres" system user, like the machine's server.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : null;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root needs a "postgres" system user to run the private PostgreSQL');
    chownSync(dataDir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  chmodSync(dataDir, 0o700);
  const wrap = (command, args) => (user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args]);
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));

  const [initCommand, initArgs] = wrap(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);

  const port = await freePort();
  const settings = {
    ...(machine?.settings ?? {}),
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dataDir,
    max_connections: '200',
    shared_preload_libraries: 'pg_stat_statements',
    'pg_stat_statements.max': '10000',
    'pg_stat_statements.track': track,
    'pg_stat_statements.track_utility': 'on',
    track_io_timing: 'off',
    // Every statement with its backend and transaction ids (%x: 0 until the transaction writes), to list the
    // transactions one message causes in order. Only with --pg-log: logging each statement costs time of its own.
    ...(logFile ? { log_statement: 'all', log_line_prefix: '%m [%p] %x %v %a: ', log_min_messages: 'warning' } : {}),
    // --pg-set: last, so that it can change any of the above (e.g. add auto_explain to shared_preload_libraries).
    ...extra,
  };
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const [command, args] = wrap(join(bin, 'postgres'), ['-D', dataDir, ...flags]);
  // With --pg-log the server writes its log straight into the file: through a pipe, the bench's synchronous steps
  // (the engine's setup) would stop reading it, and every backend would block writing its next line.
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', logFile ? openSync(logFile, 'w') : 'pipe'] });
  let stderr = logFile ? `(see ${logFile})` : '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let postmasterPid = null;
  const alive = (pid) => existsSync(`/proc/${pid}`);
  const stop = async () => {
    // Signal the postmaster itself: runuser (the child when root) does not pass SIGINT on, and a postmaster left
    // running after its data folder is removed would hold its port and memory until the machine restarts.
    const pid = postmasterPid ?? findPostmaster(dataDir);
    if (pid !== null && alive(pid)) {
      // SIGINT is PostgreSQL's "fast" shutdown: ends sessions, no waiting for clients.
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 20_000;
      while (alive(pid) && Date.now() < deadline) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  onCleanup(stop);

  const deadline = Date.now() + 60_000;
  let version = null;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the private PostgreSQL exited at start: ${stderr}`);
    const client = new Client({ connectionString: url, application_name: 'parley-peers-bench' });
    try {
      await client.connect();
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      version = String((await client.query('SHOW server_version')).rows[0].server_version);
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`the private PostgreSQL did not accept connections: ${error.message}\n${stderr}`);
      await sleep(200);
    }
  }
  // The runuser wrapper (when root) is the child; the postmaster is its child.
  postmasterPid = findPostmaster(dataDir) ?? child.pid;
  log(`private PostgreSQL ${version} on port ${port} (${bin}, data in ${dataDir}, postmaster pid ${postmasterPid})`);
  return {
    url,
    port,
    version,
    binDir: bin,
    dataDir,
    postmasterPid,
    copiedFromMachine: machine !== null,
    settings: Object.fromEntries(
      Object.entries(settings).filter(
        ([k]) => MIRRORED.includes(k) || k.startsWith('pg_stat_statements') || k === 'shared_preload_libraries' || k in extra,
      ),
    ),
    stop,
  };
}

/** The pid of the postmaster whose command line names `dataDir`. */
function findPostmaster(dataDir) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('/postgres') && cmd.includes(dataDir)) return Number(entry);
    } catch {
      // Gone.
    }
  }
  return null;
}
