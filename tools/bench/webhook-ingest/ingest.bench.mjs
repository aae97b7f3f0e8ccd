// Webhook ingest: how many WhatsApp messages per second the engine takes in
// through POST /webhooks/whatsapp (signature checked over the raw bytes, the
// raw payload stored in PostgreSQL before the 200), and how long each POST
// waits for its 200, with 1 and with 10 messages per POST.
//
//   node tools/bench/webhook-ingest/ingest.bench.mjs [--messages=40000] [--batch=1] [--concurrency=64] [--mode=api|embedded]
//
// mode=api (default) runs the engine as ENGINE_ROLE=api with Redis, so the
// process only ingests (processing goes to a BullMQ queue no worker reads);
// mode=embedded runs one ENGINE_ROLE=all process that also processes.
import { inboundMessagesPayload } from '../lib/whatsapp-webhook.mjs';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  BENCH,
  DEFAULT_PG,
  DEFAULT_REDIS,
  connect,
  cpuSeconds,
  createDatabase,
  databaseUrl,
  describeMachine,
  dropDatabase,
  engineEnv,
  engineSetup,
  fmt,
  freePort,
  log,
  machineInfo,
  parseOptions,
  postgresCpuSeconds,
  rssBytes,
  run,
  startEngine,
  summary,
  table,
  waitUntilReady,
  withClient,
} from '../engine/bench-lib.mjs';

const usage = `
node tools/bench/webhook-ingest/ingest.bench.mjs [options]
  --messages=N      messages to send in the measured run (default 40000)
  --batch=N         messages per webhook POST (default 1; Meta batches up to ~10)
  --concurrency=N   POSTs in flight (default 64)
  --warmup=N        POSTs before measuring (default 2000)
  --mode=api|embedded   ingest-only API process with Redis (default), or one process that also processes
  --pg=URL --redis=URL  servers (defaults: local)
  --json            print JSON instead of Markdown
`;

const options = parseOptions(
  { messages: 40_000, batch: 1, concurrency: 64, warmup: 2000, mode: 'api', pg: DEFAULT_PG, redis: DEFAULT_REDIS, json: false },
  usage,
);
const DB = 'parley_bench_ingest';

/** ASCII-only JSON, as Meta signs it (non-ASCII escaped as \\uXXXX). */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let counter = 0;
function payload(batch) {
  const now = Math.floor(Date.now() / 1000);
  const messages = [];
  const contacts = [];
  for (let i = 0; i < batch; i += 1) {
    counter += 1;
    const waId = `39340${String(counter % 1_000_000).padStart(7, '0')}`;
    contacts.push({ profile: { name: `Cliente ${counter}` }, wa_id: waId });
    messages.push({
      from: waId,
      id: `wamid.ingest${randomBytes(12).toString('hex')}`,
      timestamp: String(now),
      type: 'text',
      text: { body: `Quanto costa il divano? È disponibile? #${counter}` },
    });
  }
  return asciiJson(inboundMessagesPayload({ contacts, messages }));
}

function post(agent, port, body) {
  const signature = `sha256=${createHmac('sha256', BENCH.appSecret).update(body).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signature },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function drive(agent, port, posts, record) {
  let next = 0;
  const failures = [];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < posts) {
        next += 1;
        const body = payload(options.batch);
        const result = await post(agent, port, body);
        if (result.status !== 200) failures.push(result.status);
        record?.(result.ms);
      }
    }),
  );
  return failures;
}

run(async () => {
  const posts = Math.ceil(options.messages / options.batch);
  await withClient(options.pg, async (client) => {
    const machine = await machineInfo(client);
    await dropDatabase(options.pg, DB);
    await createDatabase(options.pg, DB);
    const url = databaseUrl(options.pg, DB);
    engineSetup(url);
    const port = await freePort();
    const prefix = `ingest${randomBytes(3).toString('hex')}`;
    const env = engineEnv(url, null, {
      PORT: String(port),
      ENGINE_ROLE: options.mode === 'api' ? 'api' : 'all',
      ...(options.mode === 'api' ? { REDIS_URL: options.redis, REDIS_PREFIX: prefix } : {}),
    });
    const engine = startEngine(`ingest-${options.mode}`, env);
    await waitUntilReady(`http://127.0.0.1:${port}`, engine);
    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });

    log(`warm-up: ${options.warmup} POSTs`);
    await drive(agent, port, options.warmup);
    const db = await connect(url);
    const before = Number((await db.query('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0].n);
    const cpu0 = { engine: cpuSeconds(engine.pid), pg: postgresCpuSeconds(), self: process.cpuUsage() };
    let peakRss = rssBytes(engine.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(engine.pid))), 500);
    const latencies = [];
    log(`measured: ${posts} POSTs of ${options.batch} message(s), concurrency ${options.concurrency}`);
    const started = performance.now();
    const failures = await drive(agent, port, posts, (ms) => latencies.push(ms));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const self = process.cpuUsage(cpu0.self);
    const cpu = {
      engine: cpuSeconds(engine.pid) - cpu0.engine,
      pg: postgresCpuSeconds() - cpu0.pg,
      bench: (self.user + self.system) / 1e6,
    };
    const stored = Number((await db.query('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0].n) - before;
    await db.end();
    agent.destroy();
    await engine.stop();

    const lat = summary(latencies);
    const result = {
      machine,
      options: { ...options, posts },
      postsPerSecond: posts / seconds,
      messagesPerSecond: (posts * options.batch) / seconds,
      seconds,
      latencyMs: lat,
      failures: failures.length,
      stored,
      cpuSeconds: cpu,
      peakRssMiB: peakRss / 2 ** 20,
    };
    if (failures.length > 0 || stored !== posts) {
      process.exitCode = 1;
      log(`check failed: ${failures.length} non-200 answers, ${stored} of ${posts} deliveries stored`);
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(
        `# Webhook ingest: ${options.batch} message(s) per POST, mode ${options.mode}\n\n${describeMachine(machine)}\n\n`,
      );
      process.stdout.write(
        `${table(
          ['measure', 'value'],
          [
            ['POSTs', fmt(posts)],
            ['messages', fmt(posts * options.batch)],
            ['seconds', fmt(seconds, 2)],
            ['POSTs/s', fmt(result.postsPerSecond, 0)],
            ['messages/s', fmt(result.messagesPerSecond, 0)],
            ['non-200 answers', fmt(failures.length)],
            ['deliveries stored', fmt(stored)],
          ],
        )}\n\n`,
      );
      process.stdout.write(
        `${table(['latency to the 200, ms', 'p50', 'p90', 'p99', 'max', 'mean'], [['POST', fmt(lat.p50, 1), fmt(lat.p90, 1), fmt(lat.p99, 1), fmt(lat.max, 1), fmt(lat.mean, 1)]])}\n\n`,
      );
      process.stdout.write(
        `${table(
          ['CPU seconds (measured run)', 'value'],
          [
            ['engine', fmt(cpu.engine, 1)],
            ['PostgreSQL', fmt(cpu.pg, 1)],
            ['benchmark (load generator)', fmt(cpu.bench, 1)],
          ],
        )}\n\nEngine peak RSS ${fmt(result.peakRssMiB, 1)} MiB.\n`,
      );
    }
    await dropDatabase(options.pg, DB);
  });
});
