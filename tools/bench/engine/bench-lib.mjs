// Shared helpers of the engine benchmarks (seed.mjs, flow1-throughput.bench.mjs,
// waits.bench.mjs, behaviour-window.bench.mjs): options, machine description,
// statistics, tables, PostgreSQL databases of the benchmarks, real engine
// processes (the built apps/engine/dist) and their clean-up.
//
// Nothing here is a stand-in: the engine runs from its build, PostgreSQL and
// Redis are the machine's, and Meta's Graph API is the project's simulator.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// PARLEY_ENGINE_DIST: another build of the engine (e.g. the commit before a change, for an A/B run on the same machine).
export const ENGINE_DIST = process.env.PARLEY_ENGINE_DIST || join(REPO, 'apps', 'engine', 'dist');
/** Resolves packages the way the repository root does (pg, ioredis are root dependencies). */
export const rootRequire = createRequire(join(REPO, 'package.json'));
/** Resolves packages the way the engine does (typeorm, reflect-metadata), so classes are the engine's own. */
export const engineRequire = createRequire(join(REPO, 'apps', 'engine', 'package.json'));

const pg = rootRequire('pg');
export const { Client } = pg;

export const DEFAULT_PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Fixed credentials of the benchmark installations. They only ever protect
 * throw-away databases on this machine; being fixed lets seed.mjs and the
 * benchmarks (separate runs, maybe days apart) open the same encrypted token.
 */
export const BENCH = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550001234',
  wabaId: '102290129340398',
  accessToken: 'EAAG-parley-bench-access-token',
  appSecret: 'parley-bench-app-secret',
  secretsKey: createHash('sha256').update('parley engine benchmarks').digest('hex'),
  adminEmail: 'admin@bench.parley.test',
  adminPassword: 'parley bench password 1',
};

/** Source ids (wamids) of the hot contacts' recent seeded messages start with this, so they can be found again. */
export const HOT_WAMID_PREFIX = 'wamid.HBgLMzkzhot';

/** Contact number `i` (1-based) of seed.mjs: its WhatsApp id and its row id. */
export const seedContact = {
  waId: (i) => `39${3_000_000_000 + i}`,
  /** The same expression seed.mjs uses in SQL: md5('parley-bench-contact:' || i)::uuid. */
  id: (i) => {
    const h = createHash('md5').update(`parley-bench-contact:${i}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
};

/** Seeded message texts: these ask the price (by the engine's default "price" intent), those do not; seed.mjs checks both. */
export const PRICE_TEXTS = [
  'quanto costa?',
  'How much is it?',
  'what is the price of the blue one',
  'Prezzo per favore',
  'ile kosztuje?',
  '¿Cuánto cuesta?',
  "c'è uno sconto?",
  'Combien ça coûte ?',
  'Wie viel kostet das?',
  '这个多少钱',
];
export const OTHER_TEXTS = [
  'Hi!',
  'Thanks a lot',
  'ok',
  'Buongiorno',
  'Is it available in size M?',
  'Where is my order?',
  'See you tomorrow',
  'Can I return it?',
  'Dzień dobry',
  'perfetto grazie',
  '👍',
  'What time do you open?',
  'I will think about it',
  'Can you send me a photo?',
  'ciao',
  'Do you ship to Poland?',
  'Great, thank you',
  'Is the shop open on Sunday?',
];

// ---------------------------------------------------------------------------
// Options

/**
 * Parses `--name=value` options against `defaults` (the type of each default
 * decides: number, boolean flag, or string). Unknown options and bad numbers
 * print `usage` and exit 2. Numbers may be written 100000, 100_000 or 1e5.
 */
export function parseOptions(defaults, usage) {
  const result = { ...defaults };
  for (const arg of process.argv.slice(2)) {
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage.trim()}\n`);
      process.exit(0);
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (!match || name === undefined || !(name in defaults || (name.startsWith('no-') && typeof defaults[name.slice(3)] === 'boolean'))) {
      fail(`unknown option ${arg}`, usage);
    }
    if (name.startsWith('no-') && !(name in defaults)) {
      result[name.slice(3)] = false;
      continue;
    }
    const raw = match[2];
    const fallback = defaults[name];
    if (typeof fallback === 'boolean') {
      result[name] = raw === undefined ? true : !['false', '0', 'no'].includes(raw);
    } else if (typeof fallback === 'number') {
      const value = Number(String(raw ?? '').replace(/_/g, ''));
      if (raw === undefined || !Number.isFinite(value)) fail(`--${name} needs a number`, usage);
      result[name] = value;
    } else {
      if (raw === undefined) fail(`--${name} needs a value`, usage);
      result[name] = raw;
    }
  }
  return result;
}

function fail(message, usage) {
  process.stderr.write(`${message}\n\n${usage.trim()}\n`);
  process.exit(2);
}

/** Exits 2 with `message` unless `condition`. */
export function require2(condition, message) {
  if (!condition) {
    process.stderr.write(`${message}\n`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------
// Machine, statistics, output

/** CPU, cores, memory, Node and PostgreSQL versions, and the load when the run started. */
export async function machineInfo(client) {
  const nproc = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || os.availableParallelism();
  const pgVersion = client ? String((await client.query('SHOW server_version')).rows[0].server_version) : null;
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc,
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: pgVersion,
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
    date: new Date().toISOString(),
  };
}

export function describeMachine(machine) {
  return [
    `Machine: ${machine.cpu}, nproc ${machine.nproc}, ${machine.ramGiB} GiB RAM, ${machine.os}`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres ?? '?'}; load average (1 min) at start ${machine.loadAverage1m}; ${machine.date}`,
  ].join('\n');
}

/** Nearest-rank percentile of an ascending array (q in 0..1). */
export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** count, mean, p50, p90, p99, max and min of `values` (any order). */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? null : sorted.reduce((s, v) => s + v, 0) / n;
  return {
    count: n,
    min: sorted[0] ?? null,
    mean,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[n - 1] ?? null,
  };
}

/** A number for a table: thousands separators, `digits` decimals. */
export function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function mib(bytes) {
  return bytes === null || bytes === undefined ? '–' : `${fmt(bytes / 2 ** 20, 1)} MiB`;
}

/** A Markdown table (right-aligned columns where `right[i]`). */
export function table(header, rows, right = header.map((_, i) => i > 0)) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (right[i] ? '---:' : '---'))), ...rows.map((r) => line(r.map(String)))].join('\n');
}

export function log(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Clean-up of everything a benchmark started, also on Ctrl-C

const cleanups = [];
const children = new Set();
let cleaning = null;
let stopping = false;

/** True once Ctrl-C (SIGINT) or SIGTERM arrived: load generators stop sending. */
export function isStopping() {
  return stopping;
}

/** Registers `fn` to run (last registered first) at the end or on SIGINT/SIGTERM. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

export async function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (error) {
        log(`clean-up step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true;
    log(`${signal}: stopping the processes this benchmark started`);
    const timer = setTimeout(() => process.exit(130), 20_000);
    timer.unref();
    void cleanup().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  // Last resort (an uncaught error): never leave an engine process behind.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Runs `main`, then cleans up; exit code from main's return value (0 when undefined), 1 on a throw. */
export function run(main) {
  main().then(
    async (code) => {
      await cleanup();
      process.exit(typeof code === 'number' ? code : 0);
    },
    async (error) => {
      if (!stopping) process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await cleanup();
      process.exit(stopping ? 130 : 1);
    },
  );
}

// ---------------------------------------------------------------------------
// PostgreSQL

export function databaseUrl(serverUrl, database) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function checkDatabaseName(name) {
  require2(
    /^parley_(bench|h[0-9]+_)[a-z0-9_]*$/.test(name),
    `--db must start with "parley_bench" (or a session's own "parley_h<n>_") and use a-z, 0-9 and _ only (got "${name}"): benchmarks only ever create or drop databases of their own`,
  );
}

export async function connect(url) {
  const client = new Client({ connectionString: url, application_name: 'parley-bench' });
  await client.connect();
  return client;
}

export async function withClient(url, work) {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(serverUrl, name) {
  return withClient(serverUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

export async function createDatabase(serverUrl, name) {
  checkDatabaseName(name);
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
}

export async function dropDatabase(serverUrl, name) {
  checkDatabaseName(name);
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * What a benchmark database was seeded with, kept as JSON in the database's
 * comment (COMMENT ON DATABASE), so no table is added to the engine's schema.
 * Null when the database does not exist or was never completely seeded.
 */
export async function readMeta(serverUrl, name) {
  return withClient(serverUrl, async (c) => {
    const row = (await c.query(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [name]))
      .rows[0];
    if (!row?.comment) return null;
    try {
      const meta = JSON.parse(row.comment);
      return typeof meta === 'object' && meta !== null && meta.parleyBench ? meta : null;
    } catch {
      return null;
    }
  });
}

export async function writeMeta(client, name, meta) {
  checkDatabaseName(name);
  const text = JSON.stringify({ parleyBench: true, ...meta }).replace(/'/g, "''");
  await client.query(`COMMENT ON DATABASE ${name} IS '${text}'`);
}

/** Rows (estimate from the planner's statistics unless `exact`), heap, index and total bytes of tables. */
export async function tableSizes(client, tables, exact = false) {
  const rows = [];
  for (const name of tables) {
    const size = (
      await client.query(
        `SELECT c.reltuples::bigint AS estimate, pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
           FROM pg_class c WHERE c.oid = $1::regclass`,
        [name],
      )
    ).rows[0];
    const count = exact ? Number((await client.query(`SELECT count(*) AS n FROM ${name}`)).rows[0].n) : Math.max(0, Number(size.estimate));
    rows.push({ table: name, rows: count, heapBytes: Number(size.heap), indexBytes: Number(size.indexes), totalBytes: Number(size.total) });
  }
  return rows;
}

export function sizeTable(sizes) {
  return table(
    ['table', 'rows', 'heap', 'indexes', 'total'],
    sizes.map((s) => [s.table, fmt(s.rows), mib(s.heapBytes), mib(s.indexBytes), mib(s.totalBytes)]),
  );
}

/**
 * Back to the state seed.mjs left: removes what benchmark runs created (the
 * seed creates no executions, steps, waits, side effects, coupons, messages,
 * webhook deliveries or notifications; its events end at meta.maxEventId and
 * its tags and contacts predate meta.seededAt). The published flows stay.
 */
export async function resetToSeed(client, meta) {
  const started = Date.now();
  await client.query('TRUNCATE side_effects, waits, execution_steps, executions, coupons, messages, webhook_deliveries, notifications');
  const events = (await client.query('DELETE FROM events WHERE id > $1', [meta.maxEventId])).rowCount;
  const tags = (await client.query('DELETE FROM contact_tags WHERE created_at > $1', [meta.seededAt])).rowCount;
  const contacts = (await client.query('DELETE FROM contacts WHERE created_at > $1', [meta.seededAt])).rowCount;
  // Planner statistics only: a VACUUM of events would scan all its indexes (minutes at 10M rows) for a few thousand dead rows.
  if (events + contacts > 0) await client.query('ANALYZE events');
  if (tags + contacts > 0) await client.query('VACUUM (ANALYZE) contact_tags');
  log(
    `reset to the seed: removed executions, sends, coupons; ${events} events, ${tags} tags, ${contacts} contacts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

// ---------------------------------------------------------------------------
// Engine processes

export function engineEntry(file) {
  const path = join(ENGINE_DIST, file);
  require2(existsSync(path), `${path} is missing: build first (NX_DAEMON=false npx nx run-many -t build)`);
  return path;
}

/** The environment every engine process of a benchmark gets (plus role, port, Redis...). */
export function engineEnv(databaseUrlValue, simulatorUrl, extra = {}) {
  return {
    DATABASE_URL: databaseUrlValue,
    SECRETS_KEY: BENCH.secretsKey,
    WHATSAPP_APP_SECRET: BENCH.appSecret,
    WHATSAPP_API_BASE_URL: simulatorUrl ?? 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...extra,
  };
}

/** `node apps/engine/dist/cli.js <args> --json` to completion; returns its JSON answer. */
export function runEngineCli(args, env) {
  const result = spawnSync(process.execPath, [engineEntry('cli.js'), ...args, '--json'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`engine cli ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
}

/** Migrates the database and creates the bench admin and WhatsApp number (idempotent). */
export function engineSetup(databaseUrlValue) {
  return runEngineCli(['setup'], {
    DATABASE_URL: databaseUrlValue,
    SECRETS_KEY: BENCH.secretsKey,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: BENCH.adminEmail,
    ADMIN_PASSWORD: BENCH.adminPassword,
    WHATSAPP_PHONE_NUMBER_ID: BENCH.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: BENCH.accessToken,
    WHATSAPP_DISPLAY_PHONE_NUMBER: BENCH.displayPhoneNumber,
    WHATSAPP_WABA_ID: BENCH.wabaId,
  });
}

let logDir = null;
/** Where engine processes' output goes (a fresh temporary folder per benchmark run). */
export function engineLogDir() {
  logDir ??= mkdtempSync(join(os.tmpdir(), 'parley-bench-'));
  return logDir;
}

// BENCH_PORTS=4180-4199 keeps every port a bench hands out inside a range (sessions sharing a machine each own
// one); without it the kernel picks any free port.
const portRange = /^(\d+)-(\d+)$/.exec(process.env.BENCH_PORTS ?? '');
let nextPort = portRange ? Number(portRange[1]) : 0;

async function tryListen(port) {
  const server = createServer();
  const bound = await new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (!bound) return null;
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return address.port;
}

export async function freePort() {
  if (!portRange) return tryListen(0);
  const first = Number(portRange[1]);
  const last = Number(portRange[2]);
  for (let tried = 0; tried <= last - first; tried++) {
    const port = nextPort;
    nextPort = port >= last ? first : port + 1;
    if ((await tryListen(port)) !== null) return port;
  }
  throw new Error(`no free port in BENCH_PORTS=${process.env.BENCH_PORTS}`);
}

/** Starts `node [nodeArgs] apps/engine/dist/main.js` with `env`; stopped at clean-up if still running. */
export function startEngine(name, env, nodeArgs = []) {
  const logPath = join(engineLogDir(), `${name}.log`);
  const out = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, engineEntry('main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const engine = {
    name,
    child,
    pid: child.pid,
    logPath,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (engine.alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
  onCleanup(() => engine.stop());
  return engine;
}

/** Waits until `url`/health/ready answers 200, or fails when the process exits first. */
export async function waitUntilReady(url, engine, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!engine.alive())
      throw new Error(`${engine.name} exited before it was ready; its output: ${engine.logPath}\n${tail(engine.logPath)}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${engine.name} was not ready within ${timeoutMs} ms (${engine.logPath})`);
}

function tail(path, lines = 20) {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Resident memory of a process in bytes (VmRSS), or null when it is gone. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) a process has used so far, or null when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime) are 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU seconds used so far by all PostgreSQL server processes (the cluster's own work: backends, WAL writer, checkpointer). */
export function postgresCpuSeconds() {
  let total = 0;
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuSeconds(Number(entry)) ?? 0;
  }
  return total;
}

function readdirSafe(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Samples the RSS of `pid()` every `everyMs` until stopped; keeps [ms since start, bytes] pairs. */
export function rssSampler(pid, everyMs = 1000) {
  const started = Date.now();
  const samples = [];
  const take = () => {
    const id = pid();
    const bytes = id ? rssBytes(id) : null;
    if (bytes !== null) samples.push({ at: Date.now(), sinceStartMs: Date.now() - started, pid: id, bytes });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    take,
    /** Samples taken between two wall-clock times (ms since epoch). */
    between: (from, to) => samples.filter((s) => s.at >= from && s.at <= to),
    stop: () => clearInterval(timer),
  };
}

// ---------------------------------------------------------------------------
// Engine API

/** Signs in as the bench admin; returns a tiny JSON client for /api. */
export async function apiLogin(baseUrl) {
  const request = async (method, path, body, token) => {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON.
    }
    return { status: response.status, body: parsed };
  };
  const login = await request('POST', '/api/auth/login', { email: BENCH.adminEmail, password: BENCH.adminPassword });
  if (login.status !== 200 || typeof login.body?.token !== 'string')
    throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.token;
  return {
    get: (path) => request('GET', path, undefined, token),
    post: (path, body = {}) => request('POST', path, body, token),
  };
}

/** A short stable hash of a flow document, put in the flow's name so a changed document is published anew. */
export function documentHash(document) {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 10);
}

/**
 * Makes sure a flow named `name` is published with `document`: reuses one
 * already published under that exact name, else creates and publishes it.
 * Returns { flowId, versionId, created }.
 */
export async function ensurePublishedFlow(api, client, name, document) {
  const existing = (
    await client.query(
      'SELECT id, published_version_id FROM flows WHERE name = $1 AND published_version_id IS NOT NULL ORDER BY created_at LIMIT 1',
      [name],
    )
  ).rows[0];
  if (existing) return { flowId: existing.id, versionId: existing.published_version_id, created: false };
  const created = await api.post('/api/flows', { name, definition: document });
  if (created.status !== 201) throw new Error(`creating flow "${name}" failed: ${created.status} ${JSON.stringify(created.body)}`);
  const flowId = created.body.id;
  const published = await api.post(`/api/flows/${flowId}/publish`, {});
  if (published.status !== 201) throw new Error(`publishing flow "${name}" failed: ${published.status} ${JSON.stringify(published.body)}`);
  const row = (await client.query('SELECT published_version_id FROM flows WHERE id = $1', [flowId])).rows[0];
  return { flowId, versionId: row.published_version_id, created: true };
}

/** Deletes every Redis key under `prefix:` (a benchmark's own BullMQ queues). */
export async function clearRedisPrefix(redisUrl, prefix) {
  const Redis = rootRequire('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export async function redisReachable(redisUrl) {
  const Redis = rootRequire('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** The simulator library, from its build (CommonJS). */
export function simulatorLibrary() {
  const path = join(REPO, 'libs', 'whatsapp-simulator', 'dist', 'index.js');
  require2(existsSync(path), `${path} is missing: build first (NX_DAEMON=false npx nx run-many -t build)`);
  return rootRequire(path);
}

export function flowTemplatesLibrary() {
  const path = join(REPO, 'libs', 'flow-templates', 'dist', 'index.js');
  require2(existsSync(path), `${path} is missing: build first (NX_DAEMON=false npx nx run-many -t build)`);
  return rootRequire(path);
}

/** The engine's own intent matcher for a workspace with default settings (from its build), to check seeded texts. */
export function engineIntentMatcher() {
  const { IntentMatcher } = rootRequire(engineEntry('logic/intent-matcher.js'));
  const { readWorkspaceSettings } = rootRequire(engineEntry('workspaces/workspace-settings.js'));
  const matcher = new IntentMatcher(readWorkspaceSettings({}));
  return (text) => matcher.matches(text, 'price');
}
