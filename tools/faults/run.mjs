#!/usr/bin/env node
// The fault suite: real engine processes (an API and two BullMQ workers), a
// redis-server of its own, PostgreSQL behind a TCP proxy it controls, and the
// WhatsApp simulator sending signed webhooks at a steady rate. Each scenario
// injects a fault under that load, removes it, lets the backlog drain and
// checks: every customer message stored once, every event handled once, every
// flow run ended, no reply sent twice, and how long recovery took.
//
//   node tools/faults/run.mjs [--short | --long] [--only=name,name]
//   node tools/faults/run.mjs --soak[=seconds]   (default 3600: scenarios in a
//                                                 seeded random order, long form, until the time is up)
//
// Needs a built engine (npm run build), PostgreSQL (DATABASE_URL of a server
// where it may create a database; default postgres://postgres@127.0.0.1:5432/postgres)
// and redis-server on PATH. Prints one line per scenario and "N passed, N failed";
// exits 1 on any loss, duplicate or stuck run. Ports: FAULTS_BASE_PORT to +5
// (default: the first six free ports from 4226).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startPgProxy } from './pg-proxy.mjs';
import { httpReady, startProcess, waitFor } from './processes.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const ROOT = join(import.meta.dirname, '..', '..');
const { startSimulator } = require(join(ROOT, 'libs/whatsapp-simulator/dist/index.js'));
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');

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
};
const PHONE_NUMBER_ID = '109000000001';
const ACCESS_TOKEN = `faults-${randomBytes(8).toString('hex')}`;
const APP_SECRET = randomBytes(16).toString('hex');
const ADMIN = { email: 'faults@parley.local', password: `faults-${randomBytes(6).toString('hex')}` };
/** Messages per second the customers send, and for how long, per scenario. */
const LOAD = { perSecond: 8, seconds: long ? 60 : 24 };
const DRAIN_TIMEOUT_MS = 180_000;

/** The first base from `from` (in steps of 10) whose six ports are all free, so a busy default port does not fail the run. */
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
    for (let port = base; port <= base + 5 && ok; port += 1) ok = await free(port);
    if (ok) return base;
  }
  throw new Error(`no six free ports from ${from}`);
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
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
    what: 'the Cloud API answers in 3 s for 25 sends while every customer message is delivered 3 more times, shuffled',
    async inject(ctx) {
      ctx.simulator.state.faults.push({ kind: 'slow', delayMs: 3000, remaining: 25 });
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
    what: 'PostgreSQL restarted as its clients see it: every session of the database terminated by the server (57P01) and new connections refused for 5 s',
    async inject(ctx) {
      ctx.proxy.refuseNew();
      await ctx.admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2',
        [ctx.db, ctx.checkerPid],
      );
      await sleep(5000);
      ctx.proxy.restore();
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

/**
 * A small tmpfs mounted for PostgreSQL's use as a tablespace (needs root, as
 * mounting does), with a ballast file that fills it and is removed to free
 * the space again. The shared server's own volume is never touched.
 */
async function smallVolume(ctx) {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, mkdirSync: mkdir, openSync, writeSync, closeSync, rmSync: rm } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const mount = mkdtempSync(join(tmpdir(), 'parley-faults-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=755', 'tmpfs', mount]);
  const location = join(mount, 'tablespace');
  mkdir(location, { mode: 0o700 });
  execFileSync('chown', ['postgres:postgres', location]);
  const tablespace = `parley_faults_ts_${process.pid}`;
  await ctx.admin.query(`CREATE TABLESPACE ${tablespace} LOCATION '${location}'`);
  const ballast = join(mount, 'ballast');
  ctx.cleanups.push(async () => {
    await ctx.admin.query(`DROP TABLESPACE IF EXISTS ${tablespace}`);
    execFileSync('umount', [mount]);
    rm(mount, { recursive: true, force: true });
  });
  return {
    tablespace,
    fill() {
      const fd = openSync(ballast, 'w');
      const chunk = Buffer.alloc(1024 * 1024);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if (error.code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      // The last partial blocks too, so PostgreSQL cannot extend a file by even one page.
      const small = openSync(ballast, 'a');
      try {
        for (;;) writeSync(small, Buffer.alloc(4096));
      } catch (error) {
        if (error.code !== 'ENOSPC') throw error;
      } finally {
        closeSync(small);
      }
    },
    free() {
      rm(ballast, { force: true });
    },
  };
}

async function sql(client, text, values = []) {
  return (await client.query(text, values)).rows;
}

async function main() {
  const started = Date.now();
  const db = `parley_faults_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const direct = new URL(adminUrl);
  direct.pathname = `/${db}`;
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${PORTS.proxy}`;
  const checker = new pg.Client({ connectionString: direct.toString() });

  const processes = [];
  const ctx = { redeliverAll: false, admin, db, checker, cleanups: [] };
  let passed = 0;
  let failed = 0;
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
      WHATSAPP_SEND_TIMEOUT_MS: '5000',
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
    await checker.connect();
    ctx.checkerPid = checker.processID;

    const login = await (
      await fetch(`http://127.0.0.1:${PORTS.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      })
    ).json();
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const flow = JSON.parse(readFileSync(join(ROOT, 'docs/examples/price-reply.flow.json'), 'utf8'));
    const created = await (
      await fetch(`http://127.0.0.1:${PORTS.api}/api/flows`, { method: 'POST', headers: auth, body: JSON.stringify(flow) })
    ).json();
    const published = await fetch(`http://127.0.0.1:${PORTS.api}/api/flows/${created.id}/publish`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    if (published.status !== 201) throw new Error(`publishing the flow failed: ${published.status}`);
    log(
      `Fault suite (${soakSeconds !== null ? 'soak' : long ? 'long' : 'short'} form): API + 2 BullMQ workers, redis-server :${PORTS.redis}, PostgreSQL via proxy :${PORTS.proxy}`,
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
    for (const p of processes.reverse()) await p.stop().catch(() => {});
    await ctx.simulator?.close().catch(() => {});
    await ctx.proxy?.close().catch(() => {});
    await checker.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
    for (const cleanup of ctx.cleanups) await cleanup().catch((error) => log(`cleanup failed: ${error.message}`));
    await admin.end();
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
  const customers = [];
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
    if (i % 2 === 0) customers.push(waId);
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
              (SELECT count(*) FROM messages WHERE direction = 'inbound' AND wamid = ANY($1))::int AS stored`,
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
        return p.deliveries === 0 && p.events === 0 && p.active === 0 && p.stored === expected.messages;
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

  return {
    ok: problems.length === 0,
    problems,
    summary: `${expected.messages} messages from ${expected.customers} customers, ${stored.messages} stored once, ${sends.length} replies, recovered (backlog drained) ${recoverySeconds} s after the fault ended`,
  };
}

main().catch((error) => {
  log(`FAIL suite: ${error instanceof Error ? error.stack : String(error)}`);
  log('0 passed, 1 failed');
  process.exit(1);
});
