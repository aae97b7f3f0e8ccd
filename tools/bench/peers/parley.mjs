// Parley under test: the production build (apps/engine/dist), as the engine
// benchmarks start it: embedded (one ENGINE_ROLE=all process, no Redis) or
// BullMQ (ENGINE_ROLE=api + 1 ENGINE_ROLE=worker on Redis with a fresh key
// prefix), on a fresh database with the price-reply example flow published
// and the business number at Meta's higher throughput tier.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiLogin,
  BENCH,
  clearRedisPrefix,
  connect,
  createDatabase,
  databaseUrl,
  dropDatabase,
  engineEnv,
  engineSetup,
  ensurePublishedFlow,
  freePort,
  log,
  onCleanup,
  redisReachable,
  REPO,
  startEngine,
  waitUntilReady,
} from '../engine/bench-lib.mjs';

export const PARLEY_DATABASE = 'parley_bench_peers';
/** Meta's higher throughput tier for a business number (the default is 80/s). */
export const NUMBER_MESSAGES_PER_SECOND = 1000;
const FLOW_FILE = join(REPO, 'docs', 'examples', 'price-reply.flow.json');

/** The reply text of the price-reply flow: every system sends exactly this. */
export function priceReplyText() {
  const flow = JSON.parse(readFileSync(FLOW_FILE, 'utf8'));
  const send = flow.definition.nodes.find((n) => n.type === 'whatsapp.send_message');
  return send.config.message.text;
}

/**
 * Starts Parley. `pgUrl`: the server (its postgres database); `mode`:
 * 'embedded' | 'bullmq'; `sinkUrl`: WHATSAPP_API_BASE_URL; `extraEnv`: more
 * engine settings (e.g. DATABASE_POOL_SIZE). Returns the system handle.
 */
export async function startParley({ pgUrl, socketDir = null, mode, workers = 1, cpus = {}, redisUrl, sinkUrl, extraEnv, nodeArgs = [] }) {
  await dropDatabase(pgUrl, PARLEY_DATABASE);
  await createDatabase(pgUrl, PARLEY_DATABASE);
  const url = databaseUrl(pgUrl, PARLEY_DATABASE);
  engineSetup(url);
  const client = await connect(url);
  onCleanup(() => client.end());
  const tier = await client.query(
    'UPDATE whatsapp_numbers SET messages_per_second = $2 WHERE phone_number_id = $1 RETURNING messages_per_second',
    [BENCH.phoneNumberId, NUMBER_MESSAGES_PER_SECOND],
  );
  if (tier.rowCount !== 1) throw new Error(`the bench number ${BENCH.phoneNumberId} was not created by the engine setup`);

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // --parley-db-socket: the engine reaches PostgreSQL through its Unix socket (node-postgres reads the folder from
  // `host`), as on a host that runs both; the bench's own readings stay on TCP.
  const engineUrl = socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
  const env = engineEnv(engineUrl, sinkUrl, extraEnv);
  const engines = [];
  let redisPrefix = null;
  if (mode === 'embedded') {
    const engine = startEngine('parley-all', { ...env, ENGINE_ROLE: 'all', PORT: String(apiPort) }, nodeArgs);
    engines.push(engine);
    await waitUntilReady(apiUrl, engine);
  } else {
    if (!(await redisReachable(redisUrl))) throw new Error(`Redis at ${redisUrl} does not answer (--parley-mode=bullmq needs it)`);
    redisPrefix = `parleypeers${randomBytes(4).toString('hex')}`;
    onCleanup(async () => {
      const deleted = await clearRedisPrefix(redisUrl, redisPrefix);
      log(`removed ${deleted} Redis keys under ${redisPrefix}:`);
    });
    const scaled = { ...env, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix };
    const api = startEngine('parley-api', { ...scaled, ENGINE_ROLE: 'api', PORT: String(apiPort) }, nodeArgs);
    engines.push(api);
    for (let n = 1; n <= workers; n++) {
      const workerPort = await freePort();
      const name = workers === 1 ? 'parley-worker' : `parley-worker-${n}`;
      const worker = startEngine(name, { ...scaled, ENGINE_ROLE: 'worker', PORT: String(workerPort) }, nodeArgs);
      engines.push(worker);
      await waitUntilReady(`http://127.0.0.1:${workerPort}`, worker);
    }
    await waitUntilReady(apiUrl, api);
  }
  for (const engine of engines) {
    const list = cpus[engine.name];
    if (list === undefined) continue;
    // Every thread of the running process (V8's and libuv's too), not only the main one.
    execFileSync('taskset', ['-a', '-pc', list, String(engine.pid)], { stdio: 'ignore' });
    log(`${engine.name} (pid ${engine.pid}) pinned to CPU ${list}`);
  }
  const unknown = Object.keys(cpus).filter((name) => !engines.some((e) => e.name === name));
  if (unknown.length > 0)
    throw new Error(`--parley-cpus names no such process: ${unknown.join(', ')} (there are ${engines.map((e) => e.name).join(', ')})`);

  const flow = JSON.parse(readFileSync(FLOW_FILE, 'utf8'));
  const api = await apiLogin(apiUrl);
  const published = await ensurePublishedFlow(api, client, flow.name, flow.definition);
  log(
    `Parley (${mode}) up: ${engines.map((e) => `${e.name} pid ${e.pid}`).join(', ')}; flow "${flow.name}" published (${published.versionId})`,
  );

  return {
    name: 'parley',
    label: mode === 'embedded' ? 'Parley (embedded)' : `Parley (BullMQ: api + ${workers} worker${workers === 1 ? '' : 's'})`,
    target: { host: '127.0.0.1', port: apiPort, path: '/webhooks/whatsapp' },
    database: PARLEY_DATABASE,
    pids: () => engines.map((e) => e.pid),
    alive: () => engines.every((e) => e.alive()),
    logs: engines.map((e) => e.logPath),
    details: {
      mode,
      processes: engines.map((e) => e.name),
      database: PARLEY_DATABASE,
      /** How the engine reaches PostgreSQL: TCP, or the private cluster's Unix socket (--parley-db-socket). */
      databaseConnection: socketDir ? 'unix socket' : 'tcp',
      redisPrefix,
      numberMessagesPerSecond: NUMBER_MESSAGES_PER_SECOND,
      flow: 'docs/examples/price-reply.flow.json',
      /** Engine settings given on top of the engine's defaults. */
      env: extraEnv,
    },
    async stop() {
      for (const e of engines) await e.stop();
    },
  };
}
