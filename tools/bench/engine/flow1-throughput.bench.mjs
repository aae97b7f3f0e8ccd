#!/usr/bin/env node
// Flow 1 ("High intent: price asked 3 times in 7 days" -> coupon -> WhatsApp
// text -> tag) under load, on the database seed.mjs made (default 100k
// contacts, 10M stored events): throughput, and latency from the inbound event
// being stored to the outbound send reaching the Graph API.
//
// Everything is real: the built engine (apps/engine/dist/main.js) runs as
// separate processes, either one ENGINE_ROLE=all process with in-process
// dispatch (--mode=embedded) or one ENGINE_ROLE=api process and --workers
// ENGINE_ROLE=worker processes on BullMQ/Redis with a fresh key prefix
// (--mode=workers); customers write through signed webhooks from the
// project's WhatsApp Cloud API simulator, which also receives the sends.
//
// First --warmup ordinary contacts send chatter that starts no flow (warms the
// webhook and event paths and the connection pools; no send may follow). Then
// each of --messages distinct hot contacts (2 price questions in the last 7
// days, no coupon yet) sends one more price question, at most --concurrency
// webhooks in flight (and at most --rate per second when given). Every such
// message must produce exactly one send to that contact, and there must be no
// other send; anything else exits 1.
//
// Latency of a send: SentMessage.receivedAt in the simulator minus
// events.received_at of the execution's trigger event (the send's
// biz_opaque_callback_data is `${executionId}:${nodeId}:${visit}`, and
// executions.trigger_event_id names the event). Also shown: from the webhook
// being posted to the send, and from the webhook being posted to the event
// being stored (webhook queueing). Without --rate the messages arrive as fast
// as the engine takes webhooks, so latencies include the time the work waits
// behind earlier messages; with --rate below the throughput they show the
// latency of an engine that keeps up.
//
// Re-running: before each run the database is reset to its seeded state
// (--no-reset to skip): every execution, step, wait, side effect, coupon,
// message and webhook delivery is removed (the seed has none), events newer
// than the seed's last event and tags added after the seed are deleted. The
// published benchmark flow is kept and reused. If the seed is older than 3.5
// days, the hot contacts' recent messages are moved forward in time so that
// they are still inside the 7-day window.
//
// Usage: node tools/bench/engine/flow1-throughput.bench.mjs [--mode=embedded|workers]
//          [--workers=1] [--messages=20000] [--warmup=200] [--concurrency=32] [--rate=0]
//          [--worker-concurrency=8] [--pool=10] [--db=parley_bench] [--json]

import { randomBytes } from 'node:crypto';
import {
  apiLogin,
  BENCH,
  clearRedisPrefix,
  connect,
  cpuSeconds,
  databaseUrl,
  DEFAULT_PG,
  DEFAULT_REDIS,
  describeMachine,
  documentHash,
  engineEnv,
  ensurePublishedFlow,
  flowTemplatesLibrary,
  fmt,
  freePort,
  HOT_WAMID_PREFIX,
  isStopping,
  log,
  machineInfo,
  mib,
  onCleanup,
  parseOptions,
  postgresCpuSeconds,
  OTHER_TEXTS,
  PRICE_TEXTS,
  readMeta,
  redisReachable,
  resetToSeed,
  require2,
  rssSampler,
  run,
  seedContact,
  simulatorLibrary,
  sleep,
  startEngine,
  summary,
  table,
  waitUntilReady,
  writeMeta,
  checkDatabaseName,
} from './bench-lib.mjs';

const USAGE = `
node tools/bench/engine/flow1-throughput.bench.mjs [options]
  --mode=embedded|workers  one ENGINE_ROLE=all process, or ENGINE_ROLE=api + --workers BullMQ workers
  --workers=1              worker processes (workers mode)
  --messages=20000         measured messages, one from each of that many hot contacts
  --warmup=200             chatter messages (no price question: no flow starts) from ordinary contacts before measuring
  --concurrency=32         webhooks in flight at most
  --rate=0                 messages per second at most (0: as fast as the engine accepts them)
  --worker-concurrency=8   WORKER_CONCURRENCY of each consuming process
  --pool=10                DATABASE_POOL_SIZE of each engine process
  --stall-timeout=120      fail when no new send arrives for this many seconds
  --db=parley_bench        database seeded by seed.mjs
  --no-reset               do not reset the database to its seeded state first
  --allow-other-flows      run even if other flows are published in the database
  --node-args="..."        extra node arguments for the engine processes (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  --pg=URL                 PostgreSQL server, default ${DEFAULT_PG}
  --redis=URL              Redis for workers mode, default ${DEFAULT_REDIS}
  --json                   print the result as JSON
`;

const o = parseOptions(
  {
    mode: 'embedded',
    workers: 1,
    messages: 20_000,
    warmup: 200,
    concurrency: 32,
    rate: 0,
    'worker-concurrency': 8,
    pool: 10,
    'stall-timeout': 120,
    db: 'parley_bench',
    reset: true,
    'allow-other-flows': false,
    'node-args': '',
    pg: DEFAULT_PG,
    redis: DEFAULT_REDIS,
    json: false,
  },
  USAGE,
);
checkDatabaseName(o.db);
require2(o.mode === 'embedded' || o.mode === 'workers', '--mode must be embedded or workers');
require2(Number.isInteger(o.workers) && o.workers >= 1 && o.workers <= 8, '--workers must be 1..8');
require2(Number.isInteger(o.messages) && o.messages >= 1, '--messages must be a positive integer');
require2(Number.isInteger(o.warmup) && o.warmup >= 0, '--warmup must be >= 0');
require2(Number.isInteger(o.concurrency) && o.concurrency >= 1 && o.concurrency <= 1000, '--concurrency must be 1..1000');
require2(o.rate >= 0, '--rate must be >= 0');

const SEND_NODE = 'send-code';
const nodeArgs = o['node-args'].split(/\s+/).filter(Boolean);
const HOT_STALE_MS = 3.5 * 86_400_000;

run(async () => {
  const meta = await readMeta(o.pg, o.db);
  require2(meta !== null, `${o.db} is not a seeded benchmark database: run node tools/bench/engine/seed.mjs --db=${o.db} first`);
  const hot = meta.params.hot;
  require2(o.messages <= hot, `--messages (${o.messages}) exceeds the hot contacts of ${o.db} (${hot})`);
  // Warm-up: ordinary contacts (after the hot and heavy ones) say something that is not a price question.
  const ordinaryFrom = hot + meta.params.heavy + 1;
  const warmup = Math.max(0, Math.min(o.warmup, meta.params.contacts - ordinaryFrom + 1));
  if (warmup < o.warmup) log(`warm-up reduced to ${warmup} messages (only that many ordinary contacts)`);

  const url = databaseUrl(o.pg, o.db);
  const client = await connect(url);
  onCleanup(() => client.end());
  const machine = await machineInfo(client);

  // Keep the hot contacts' two price questions inside the 7-day window.
  const anchor = new Date(meta.hotAnchor);
  if (Date.now() - anchor.getTime() > HOT_STALE_MS) {
    const shiftMs = Date.now() - anchor.getTime();
    const hotIds = Array.from({ length: hot }, (_, i) => seedContact.id(i + 1));
    const moved = await client.query(
      `UPDATE events SET occurred_at = occurred_at + $2 * interval '1 millisecond', received_at = received_at + $2 * interval '1 millisecond',
              processed_at = processed_at + $2 * interval '1 millisecond'
        WHERE contact_id = ANY($1::uuid[]) AND type = 'message.received' AND id <= $3 AND source = 'whatsapp' AND starts_with(source_id, $4)`,
      [hotIds, shiftMs, meta.maxEventId, HOT_WAMID_PREFIX],
    );
    meta.hotAnchor = new Date().toISOString();
    await writeMeta(client, o.db, meta);
    log(`moved ${moved.rowCount} recent hot-contact messages forward by ${fmt(shiftMs / 3_600_000, 1)} h (seeded ${meta.seededAt})`);
  }

  if (o.reset) await resetToSeed(client, meta);

  const template = flowTemplatesLibrary().flowTemplate('high-intent');
  const flowName = `Bench: ${template.name} [${documentHash(template.document)}]`;
  const others = (await client.query('SELECT name FROM flows WHERE published_version_id IS NOT NULL AND name <> $1', [flowName])).rows.map(
    (r) => r.name,
  );
  if (others.length > 0 && !o['allow-other-flows']) {
    process.stderr.write(
      `Other flows are published in ${o.db} (${others.join(', ')}); they would add work. Unpublish them or pass --allow-other-flows.\n`,
    );
    return 2;
  }

  // The Graph API stand-in, and the engine processes.
  const { startSimulator } = simulatorLibrary();
  const simulator = await startSimulator({
    numbers: [
      {
        phoneNumberId: BENCH.phoneNumberId,
        accessToken: BENCH.accessToken,
        displayPhoneNumber: BENCH.displayPhoneNumber,
        wabaId: BENCH.wabaId,
      },
    ],
    webhookRetry: { maxAttempts: 5, firstDelayMs: 250 },
  });
  onCleanup(() => simulator.close());
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  simulator.setWebhook({ url: `${apiUrl}/webhooks/whatsapp`, appSecret: BENCH.appSecret });

  const env = engineEnv(url, simulator.url, {
    DATABASE_POOL_SIZE: String(o.pool),
    WORKER_CONCURRENCY: String(o['worker-concurrency']),
  });
  const engines = [];
  let redisPrefix = null;
  if (o.mode === 'embedded') {
    const engine = startEngine('engine-all', { ...env, ENGINE_ROLE: 'all', PORT: String(apiPort) }, nodeArgs);
    engines.push(engine);
    await waitUntilReady(apiUrl, engine);
  } else {
    require2(await redisReachable(o.redis), `Redis at ${o.redis} does not answer (workers mode needs it)`);
    redisPrefix = `parleybench${randomBytes(4).toString('hex')}`;
    onCleanup(async () => {
      const deleted = await clearRedisPrefix(o.redis, redisPrefix);
      log(`removed ${deleted} Redis keys under ${redisPrefix}:`);
    });
    const scaled = { ...env, REDIS_URL: o.redis, REDIS_PREFIX: redisPrefix };
    const api = startEngine('engine-api', { ...scaled, ENGINE_ROLE: 'api', PORT: String(apiPort) }, nodeArgs);
    engines.push(api);
    for (let w = 1; w <= o.workers; w += 1) {
      const port = await freePort();
      const worker = startEngine(`engine-worker-${w}`, { ...scaled, ENGINE_ROLE: 'worker', PORT: String(port) }, nodeArgs);
      engines.push(worker);
      await waitUntilReady(`http://127.0.0.1:${port}`, worker);
    }
    await waitUntilReady(apiUrl, api);
  }
  log(`engine up (${engines.map((e) => `${e.name} pid ${e.pid}`).join(', ')}); logs in ${engines[0].logPath.replace(/\/[^/]+$/, '')}`);
  const samplers = engines.map((e) => ({ engine: e, sampler: rssSampler(() => e.pid, 1000) }));
  onCleanup(() => samplers.forEach((s) => s.sampler.stop()));

  const api = await apiLogin(apiUrl);
  const flow = await ensurePublishedFlow(api, client, flowName, template.document);
  log(`flow 1 ${flow.created ? 'published' : 'already published'}: ${flow.flowId}`);

  // Index of every send the simulator received, by recipient.
  const sentTo = new Map();
  let scanned = 0;
  const scanSends = () => {
    const sent = simulator.state.sent;
    for (; scanned < sent.length; scanned += 1) {
      const message = sent[scanned];
      const list = sentTo.get(message.to) ?? [];
      list.push(message);
      sentTo.set(message.to, list);
    }
  };

  const sendAll = async (indices, texts = PRICE_TEXTS) => {
    const records = new Map();
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      for (let k = next++; k < indices.length && !isStopping(); k = next++) {
        if (o.rate > 0) {
          const wait = started + (k * 1000) / o.rate - Date.now();
          if (wait > 0) await sleep(wait);
        }
        const i = indices[k];
        const waId = seedContact.waId(i);
        const postStart = Date.now();
        const { wamid, delivery } = await simulator.customerSends({
          phoneNumberId: BENCH.phoneNumberId,
          from: waId,
          name: `Customer ${i}`,
          text: texts[i % texts.length],
        });
        if (!delivery?.delivered)
          throw new Error(`the engine did not accept the webhook of contact ${i} (last status ${delivery?.lastStatus})`);
        records.set(waId, { i, wamid, postStart, postEnd: Date.now() });
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, indices.length) }, worker));
    return records;
  };

  const waitForSends = async (waIds, label) => {
    let got = 0;
    let lastProgress = Date.now();
    for (;;) {
      if (isStopping()) throw new Error(`${label}: interrupted`);
      scanSends();
      const now = waIds.reduce((n, w) => n + (sentTo.has(w) ? 1 : 0), 0);
      if (now >= waIds.length) return;
      if (now !== got) {
        got = now;
        lastProgress = Date.now();
      }
      if (Date.now() - lastProgress > o['stall-timeout'] * 1000) {
        const state = (await client.query(`SELECT status, count(*)::int AS n FROM executions GROUP BY status`)).rows;
        throw new Error(
          `${label}: ${got} of ${waIds.length} sends arrived, none for ${o['stall-timeout']} s; executions ${JSON.stringify(state)}; engine logs in ${engines[0].logPath}`,
        );
      }
      for (const e of engines) if (!e.alive()) throw new Error(`${e.name} exited during the run (${e.logPath})`);
      await sleep(100);
    }
  };

  if (warmup > 0) {
    log(`warm-up: ${warmup} messages that start no flow`);
    await sendAll(
      Array.from({ length: warmup }, (_, k) => ordinaryFrom + k),
      OTHER_TEXTS,
    );
  }
  await waitQuiet(client, 120_000);
  scanSends();
  if (simulator.state.sent.length > 0)
    throw new Error(`the warm-up messages caused ${simulator.state.sent.length} sends; none was expected`);

  // The measured run.
  const indices = Array.from({ length: o.messages }, (_, k) => k + 1);
  const waIds = indices.map((i) => seedContact.waId(i));
  const eventIdBefore = Number((await client.query('SELECT coalesce(max(id), 0) AS id FROM events')).rows[0].id);
  const cpuBefore = engines.map((e) => cpuSeconds(e.pid));
  const pgCpuBefore = postgresCpuSeconds();
  const xactBefore = await transactions(client, o.db);
  const benchCpuBefore = process.cpuUsage();
  const runStarted = Date.now();
  log(
    `measuring: ${o.messages} messages, concurrency ${o.concurrency}${o.rate > 0 ? `, at most ${o.rate}/s` : ''}, ${o.mode === 'embedded' ? 'embedded' : `api + ${o.workers} worker(s)`}`,
  );
  const progress = setInterval(() => {
    scanSends();
    const done = waIds.reduce((n, w) => n + (sentTo.has(w) ? 1 : 0), 0);
    log(`  ${done} / ${o.messages} sends (${fmt(done / ((Date.now() - runStarted) / 1000), 0)}/s)`);
  }, 5000);
  let records;
  try {
    records = await sendAll(indices);
    await waitForSends(waIds, 'measured run');
  } finally {
    clearInterval(progress);
  }
  const sendsDone = Date.now();
  const cpuAtSends = engines.map((e) => cpuSeconds(e.pid));
  const pgCpuAtSends = postgresCpuSeconds();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  // Let the flows finish (tag step, contact.tag_added events) and let any duplicate send show up.
  await waitQuiet(client, 120_000);
  await sleep(2000);
  scanSends();
  for (const s of samplers) s.sampler.stop();

  // Correctness: one send per contact, to nobody else; every execution done; nothing left pending.
  const problems = [];
  const expected = new Set(waIds);
  for (const waId of expected) {
    const n = sentTo.get(waId)?.length ?? 0;
    if (n !== 1) problems.push(`contact ${waId} received ${n} sends`);
  }
  for (const [to, list] of sentTo) if (!expected.has(to)) problems.push(`unexpected send(s) to ${to}: ${list.length}`);
  const executionStates = (
    await client.query('SELECT status, count(*)::int AS n FROM executions WHERE flow_id = $1 GROUP BY status ORDER BY status', [
      flow.flowId,
    ])
  ).rows;
  const succeeded = executionStates.find((r) => r.status === 'succeeded')?.n ?? 0;
  if (succeeded !== expected.size || executionStates.length !== 1)
    problems.push(`executions by status: ${JSON.stringify(executionStates)} (expected ${expected.size} succeeded)`);
  const coupons = Number((await client.query(`SELECT count(*) AS n FROM coupons WHERE campaign = 'high-intent-10'`)).rows[0].n);
  if (coupons !== expected.size) problems.push(`${coupons} coupons issued, expected ${expected.size}`);
  const pending = (
    await client.query(
      `SELECT (SELECT count(*) FROM events WHERE processed_at IS NULL)::int AS events, (SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL)::int AS webhooks`,
    )
  ).rows[0];
  if (pending.events !== 0 || pending.webhooks !== 0) problems.push(`left unprocessed: ${JSON.stringify(pending)}`);

  // Latency: event stored -> send received by the simulator, per measured contact.
  const sends = waIds.map((w) => sentTo.get(w)?.[0]).filter(Boolean);
  const executionIds = sends.map((m) => String(m.body.biz_opaque_callback_data ?? '').split(':')[0]);
  const badKeys = sends.filter((m) => !String(m.body.biz_opaque_callback_data ?? '').endsWith(`:${SEND_NODE}:0`)).length;
  if (badKeys > 0) problems.push(`${badKeys} sends carry an unexpected callback key`);
  const triggers = new Map(
    (
      await client.query(
        `SELECT x.id, ev.received_at, ev.processed_at, ev.payload->>'wamid' AS wamid
           FROM executions x JOIN events ev ON ev.id = x.trigger_event_id WHERE x.id = ANY($1::uuid[])`,
        [executionIds],
      )
    ).rows.map((r) => [r.id, r]),
  );
  const stored = [];
  const endToEnd = [];
  const ingest = [];
  for (const [k, message] of sends.entries()) {
    const trigger = triggers.get(executionIds[k]);
    const record = records.get(message.to);
    if (!trigger || !record) {
      problems.push(`send to ${message.to} has no trigger event or no inbound record`);
      continue;
    }
    if (trigger.wamid !== record.wamid)
      problems.push(`send to ${message.to} answers ${trigger.wamid}, not the benchmark's message ${record.wamid}`);
    stored.push(message.receivedAt.getTime() - trigger.received_at.getTime());
    endToEnd.push(message.receivedAt.getTime() - record.postStart);
    ingest.push(trigger.received_at.getTime() - record.postStart);
  }

  const firstPost = Math.min(...[...records.values()].map((r) => r.postStart));
  const lastPostEnd = Math.max(...[...records.values()].map((r) => r.postEnd));
  const lastSend = Math.max(...sends.map((m) => m.receivedAt.getTime()));
  const eventsRow = (await client.query(`SELECT count(*)::int AS n, max(processed_at) AS last FROM events WHERE id > $1`, [eventIdBefore]))
    .rows[0];
  const runSeconds = (lastSend - firstPost) / 1000;
  const eventsSeconds = (eventsRow.last.getTime() - firstPost) / 1000;
  const processes = engines.map((e, k) => {
    const samples = samplers[k].sampler.samples;
    return {
      name: e.name,
      pid: e.pid,
      cpuSeconds: cpuAtSends[k] !== null && cpuBefore[k] !== null ? cpuAtSends[k] - cpuBefore[k] : null,
      peakRssBytes: samples.length ? Math.max(...samples.map((s) => s.bytes)) : null,
      log: e.logPath,
    };
  });
  for (const e of engines) await e.stop();
  // Read after the engines exited: a backend reports its statistics when idle or exiting, not at once.
  await sleep(1000);
  const xactUsed = (await transactions(client, o.db)) - xactBefore;

  const result = {
    benchmark: 'flow1-throughput',
    machine,
    params: {
      db: o.db,
      seed: meta.params,
      mode: o.mode,
      workers: o.mode === 'workers' ? o.workers : 0,
      messages: o.messages,
      warmup,
      concurrency: o.concurrency,
      rate: o.rate,
      workerConcurrency: o['worker-concurrency'],
      poolSize: o.pool,
      redisPrefix,
    },
    throughput: {
      seconds: runSeconds,
      sends: sends.length,
      sendsPerSecond: sends.length / runSeconds,
      webhooksAcceptedPerSecond: o.messages / ((lastPostEnd - firstPost) / 1000),
      eventsProcessed: eventsRow.n,
      eventsPerSecond: eventsRow.n / eventsSeconds,
    },
    latencyMs: { eventStoredToSend: summary(stored), webhookToSend: summary(endToEnd), webhookToEventStored: summary(ingest) },
    cpuSeconds: {
      engines: Object.fromEntries(processes.map((p) => [p.name, p.cpuSeconds])),
      postgres: pgCpuAtSends - pgCpuBefore,
      benchAndSimulator: (benchCpu.user + benchCpu.system) / 1e6,
      wallSeconds: (sendsDone - runStarted) / 1000,
    },
    postgresTransactionsPerMessage: xactUsed / o.messages,
    processes,
    problems,
  };
  print(result);
  if (problems.length > 0) {
    process.stderr.write(
      `FAILED checks:\n${problems
        .slice(0, 30)
        .map((p) => `  - ${p}`)
        .join('\n')}\n`,
    );
    return 1;
  }
  return 0;
});

/** Commits + rollbacks of the database so far (pg_stat_database; each statement outside a transaction is one). */
async function transactions(client, db) {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const row = (await client.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [db])).rows[0];
  return Number(row.n);
}

/** Waits until nothing is pending: webhooks, events, active executions of any flow. */
async function waitQuiet(client, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (
      await client.query(
        `SELECT (SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL)
              + (SELECT count(*) FROM events WHERE processed_at IS NULL)
              + (SELECT count(*) FROM executions WHERE status = 'running') AS n`,
      )
    ).rows[0];
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`the engine still has ${row.n} pending items after ${timeoutMs} ms`);
    await sleep(200);
  }
}

function print(result) {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const p = result.params;
  const t = result.throughput;
  const lat = result.latencyMs;
  const row = (name, s) => [name, fmt(s.count), fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max), fmt(s.mean, 1)];
  const lines = [
    `# Flow 1 throughput and latency: ${p.mode === 'embedded' ? 'embedded (one ENGINE_ROLE=all process)' : `ENGINE_ROLE=api + ${p.workers} BullMQ worker(s)`}`,
    '',
    describeMachine(result.machine),
    '',
    `Database ${p.db}: ${fmt(p.seed.contacts)} contacts, ${fmt(p.seed.events)} seeded events, ${fmt(p.seed.hot)} hot contacts.`,
    `Run: ${fmt(p.messages)} messages from distinct hot contacts (after ${fmt(p.warmup)} warm-up messages that start no flow), concurrency ${p.concurrency}, ` +
      `rate ${p.rate > 0 ? `${p.rate}/s` : 'unlimited'}, WORKER_CONCURRENCY ${p.workerConcurrency}, DATABASE_POOL_SIZE ${p.poolSize}.`,
    '',
    table(
      ['throughput', 'value'],
      [
        ['sends', fmt(t.sends)],
        ['first webhook to last send, s', fmt(t.seconds, 2)],
        ['sends/s', fmt(t.sendsPerSecond, 1)],
        ['webhooks accepted/s', fmt(t.webhooksAcceptedPerSecond, 1)],
        ['events processed (inbound + tag events)', fmt(t.eventsProcessed)],
        ['events processed/s', fmt(t.eventsPerSecond, 1)],
      ],
    ),
    '',
    table(
      ['latency, ms', 'count', 'p50', 'p90', 'p99', 'max', 'mean'],
      [
        row('event stored -> send received', lat.eventStoredToSend),
        row('webhook posted -> send received', lat.webhookToSend),
        row('webhook posted -> event stored', lat.webhookToEventStored),
      ],
    ),
    '',
    table(
      ['process', 'CPU s (measured run)', 'peak RSS'],
      [
        ...result.processes.map((x) => [x.name, fmt(x.cpuSeconds, 1), mib(x.peakRssBytes)]),
        ['PostgreSQL (all its processes)', fmt(result.cpuSeconds.postgres, 1), ''],
        ['benchmark + simulator', fmt(result.cpuSeconds.benchAndSimulator, 1), ''],
        ['(wall clock)', fmt(result.cpuSeconds.wallSeconds, 1), ''],
      ],
    ),
    '',
    `PostgreSQL transactions per message (pg_stat_database commits + rollbacks from the measured run to the engines' exit, incl. this script's few checks): ${fmt(result.postgresTransactionsPerMessage, 1)}.`,
    '',
    result.problems.length === 0
      ? `Checks passed: exactly one send to each of the ${fmt(p.messages)} contacts and no other send, all executions succeeded, nothing pending.`
      : `CHECKS FAILED: ${result.problems.length} problem(s).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
