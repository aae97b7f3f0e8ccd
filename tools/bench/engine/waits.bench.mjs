#!/usr/bin/env node
// Pending waits ("no order in 72 h"): engine memory with --waits pending
// waits, and how late the --due ones fire when they come due.
//
// The flow is flow 4 of the templates with a cheap but real timeout branch:
// CRM event "link.clicked" -> wait for "order.created" up to 72 h -> on an
// order tag "converted-after-click", on the timeout tag "no-order-72h" (a
// contact_tags row and a contact.tag_added event; no WhatsApp send, so the
// Graph API is not involved). It is published through the engine's API.
//
// Rows are created as the engine creates them for a contact that clicked:
// contact, link.clicked event (processed), execution "waiting" at the wait
// node, its two execution_steps (trigger "succeeded", wait "waiting") and the
// waits row (kind "event", due at the 72 h timeout) - in one set-based SQL
// statement (data-modifying CTEs). Before seeding, one real click is sent to
// the engine (POST /api/crm/events) and the rows the engine wrote for it are
// compared, column by column and key by key, with a seeded execution; any
// difference exits 1. The reference execution stays as one more future wait.
//
// Sequence: a fresh database (--db, dropped first) set up by the engine CLI;
// engine A (embedded, ENGINE_ROLE=all) starts, the flow is published, the
// reference click runs; A stops. A fresh engine I starts and its RSS is
// sampled for --settle s ("idle, no waits"); I stops. Then --waits - --due future waits (due 2 to 72 h from now)
// are seeded, then the --due waits, due evenly over --spread s starting --lead
// s after they are written. Engine B starts; its RSS before the first wait
// comes due is "idle with N pending"; its peak while the due ones fire is
// "firing". RSS (VmRSS of /proc/<pid>/status) is sampled every second.
//
// Lateness: waits.late_by_ms, which the engine records when it wakes the
// execution (now - due_at), and waits.fired_at - due_at (fired_at is set in the
// transaction that records the woken step). Checks: every due wait fired
// exactly once (one "timeout" step and one tag step per execution, one tag per
// contact) and no future wait fired; any failure exits 1.
//
// Usage: node tools/bench/engine/waits.bench.mjs [--waits=1000000] [--due=20000]
//          [--spread=60] [--lead=45] [--settle=10] [--poll=250] [--batch=1000000] [--db=parley_bench_waits] [--keep] [--json]

import {
  apiLogin,
  connect,
  cpuSeconds,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  describeMachine,
  dropDatabase,
  engineEnv,
  engineSetup,
  ensurePublishedFlow,
  flowTemplatesLibrary,
  fmt,
  freePort,
  isStopping,
  log,
  machineInfo,
  mib,
  onCleanup,
  parseOptions,
  require2,
  rssSampler,
  run,
  sizeTable,
  sleep,
  startEngine,
  summary,
  table,
  tableSizes,
  waitUntilReady,
  checkDatabaseName,
  BENCH,
} from './bench-lib.mjs';

const USAGE = `
node tools/bench/engine/waits.bench.mjs [options]
  --waits=1000000          pending waits in total
  --due=20000              of them coming due during the run
  --spread=60              seconds over which the due waits come due, evenly
  --lead=45                seconds from writing the due waits to the first coming due (covers engine start and --settle)
  --settle=10              seconds of RSS sampling for the idle figures
  --poll=250               WAIT_POLL_INTERVAL_MS of the engine
  --batch=1000000          future waits written per SQL statement (default: all in one)
  --worker-concurrency=8   WORKER_CONCURRENCY
  --pool=10                DATABASE_POOL_SIZE
  --drain-timeout=600      fail when the due waits have not all fired this many seconds after the last is due
  --db=parley_bench_waits  database (dropped and created anew; must start with parley_bench)
  --keep                   keep the database afterwards (dropped by default)
  --pg=URL                 PostgreSQL server, default ${DEFAULT_PG}
  --json                   print the result as JSON
`;

const o = parseOptions(
  {
    waits: 1_000_000,
    due: 20_000,
    spread: 60,
    lead: 45,
    settle: 10,
    poll: 250,
    batch: 1_000_000,
    'worker-concurrency': 8,
    pool: 10,
    'drain-timeout': 600,
    db: 'parley_bench_waits',
    keep: false,
    pg: DEFAULT_PG,
    json: false,
  },
  USAGE,
);
checkDatabaseName(o.db);
require2(Number.isInteger(o.waits) && Number.isInteger(o.due) && o.due >= 1 && o.due <= o.waits, '--due must be 1..--waits');
require2(Number.isInteger(o.batch) && o.batch >= 1000, '--batch must be >= 1000');
require2(o.spread > 0 && o.lead >= o.settle + 10 && o.settle >= 3, '--spread > 0, --settle >= 3, --lead >= --settle + 10');

const WAIT_NODE = 'order-72h';
const TIMEOUT_TAG = 'no-order-72h';
const ORDER_TAG = 'converted-after-click';
const REFERENCE_WA_ID = '48999000001';

/** Flow 4's trigger and wait, with a tag on each way out instead of a coupon and a send. */
function waitsFlow() {
  const { buildFlow, flowTemplate } = flowTemplatesLibrary();
  const four = flowTemplate('no-order-after-interest').document;
  const node = (id) => {
    const found = four.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`flow 4 has no node ${id}`);
    return found;
  };
  return buildFlow(
    [
      { id: 'clicked', type: node('clicked').type, config: node('clicked').config, label: 'Clicked a product link', at: [0, 0] },
      { id: WAIT_NODE, type: node(WAIT_NODE).type, config: node(WAIT_NODE).config, label: 'Order within 72 h?', at: [0, 1] },
      { id: 'thanks', type: 'contact.tag', config: { action: 'add', tags: [ORDER_TAG] }, at: [-1, 2] },
      { id: 'no-order', type: 'contact.tag', config: { action: 'add', tags: [TIMEOUT_TAG] }, at: [1, 2] },
    ],
    [
      ['clicked', 'next', WAIT_NODE],
      [WAIT_NODE, 'received', 'thanks'],
      [WAIT_NODE, 'timeout', 'no-order'],
    ],
  );
}

const ISO = (column) => `to_char((${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One statement writing contacts i = from..to and, for each, what the engine
 * writes when it reaches the wait: the processed click event, the waiting
 * execution, its two steps and the wait. `dueSql` gives each wait's due time.
 */
function seedStatement(dueSql) {
  return `
    WITH base AS (
      SELECT i, md5('parley-bench-waits-contact:' || i)::uuid AS contact_id, ${dueSql} AS due
        FROM generate_series($4::int, $5::int) AS i
    ), c AS (
      INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, display_name, first_name, whatsapp_number_id, created_at, updated_at)
      SELECT contact_id, $1, '48' || (500000000 + i), '+48' || (500000000 + i), 'Waiting customer ' || i, 'Customer', $2,
             due - interval '100 days', due - interval '100 days'
        FROM base
      RETURNING 1
    ), ev AS (
      INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload, processed_at)
      SELECT $1, contact_id, 'link.clicked', 'crm', 'link.clicked:bench-wait-' || i,
             due - interval '72 hours 10 milliseconds', due - interval '72 hours 10 milliseconds',
             jsonb_build_object('reference', 'https://shop.example/p/' || (1 + i % 500), 'data', '{}'::jsonb),
             due - interval '72 hours' + interval '30 milliseconds'
        FROM base
      RETURNING id, contact_id, occurred_at, payload
    ), ex AS (
      INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id, vars, started_at, updated_at)
      SELECT $1, $6, $7, contact_id, id, 'waiting', '${WAIT_NODE}', '{}'::jsonb, occurred_at + interval '2 milliseconds', occurred_at + interval '12 milliseconds'
        FROM ev
      RETURNING id, contact_id, trigger_event_id
    ), st AS (
      INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, attempt, visit,
                                   input, output, output_name, started_at, finished_at, duration_ms)
      SELECT $1, ex.id, s.sequence, s.node_id, s.node_type, 1, s.status, 1, 0, s.input, s.output, s.output_name, s.started_at, s.finished_at, s.duration_ms
        FROM ex JOIN ev ON ev.id = ex.trigger_event_id,
             LATERAL (VALUES
               (1, 'clicked', 'trigger.crm_event', 'succeeded',
                jsonb_build_object('event', jsonb_build_object('id', ev.id::text, 'type', 'link.clicked', 'occurredAt', ${ISO('ev.occurred_at')}, 'payload', ev.payload)),
                ev.payload, 'next', ev.occurred_at + interval '4 milliseconds', ev.occurred_at + interval '6 milliseconds', 2),
               (2, '${WAIT_NODE}', 'timing.wait_for_event', 'waiting',
                jsonb_build_object('config', $3::jsonb),
                jsonb_build_object('eventType', 'order.created', 'timeoutAt', ${ISO("ev.occurred_at + interval '72 hours 10 milliseconds'")}),
                NULL, ev.occurred_at + interval '8 milliseconds', NULL, NULL)
             ) AS s(sequence, node_id, node_type, status, input, output, output_name, started_at, finished_at, duration_ms)
      RETURNING 1
    ), w AS (
      INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at, event_type, event_filter, created_at)
      SELECT $1, ex.contact_id, ex.id, '${WAIT_NODE}', 'event', ev.occurred_at + interval '72 hours 10 milliseconds', 'order.created', '{}'::jsonb,
             ev.occurred_at + interval '11 milliseconds'
        FROM ex JOIN ev ON ev.id = ex.trigger_event_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM c)::int AS contacts, (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM ex)::int AS executions,
           (SELECT count(*) FROM st)::int AS steps, (SELECT count(*) FROM w)::int AS waits`;
}

/** The shape of a row: ids, times and numbers that differ per execution replaced by their kind. */
function shape(value, key = '') {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return '<time>';
  if (Array.isArray(value)) return value.map((v) => shape(v));
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape(value[k], k)]),
    );
  if (typeof value === 'number') return key === 'duration_ms' ? '<int>' : value;
  if (typeof value === 'string') {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) return '<uuid>';
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) return '<iso time>';
    if (/^\d+$/.test(value)) return '<digits>';
    if (/^https:\/\/shop\.example\/p\/\d+$/.test(value)) return '<product url>';
  }
  return value;
}

async function executionRows(client, executionId) {
  const execution = (await client.query('SELECT * FROM executions WHERE id = $1', [executionId])).rows[0];
  const steps = (await client.query('SELECT * FROM execution_steps WHERE execution_id = $1 ORDER BY sequence', [executionId])).rows;
  const waits = (await client.query('SELECT * FROM waits WHERE execution_id = $1', [executionId])).rows;
  for (const row of [execution, ...steps, ...waits]) {
    delete row.id;
    delete row.execution_id;
    delete row.contact_id;
    delete row.trigger_event_id;
  }
  return { execution, steps, waits };
}

run(async () => {
  const admin = await connect(o.pg);
  onCleanup(() => admin.end());
  const machine = await machineInfo(admin);
  const url = databaseUrl(o.pg, o.db);
  if (await databaseExists(o.pg, o.db)) {
    log(`dropping ${o.db} (this benchmark starts from an empty database)`);
    await dropDatabase(o.pg, o.db);
  }
  await createDatabase(o.pg, o.db);
  if (!o.keep) onCleanup(() => dropDatabase(o.pg, o.db).then(() => log(`dropped ${o.db}`)));
  engineSetup(url);
  const client = await connect(url);
  onCleanup(() => client.end());
  const ids = (
    await client.query(`SELECT workspace_id, id AS number_id FROM whatsapp_numbers WHERE phone_number_id = $1`, [BENCH.phoneNumberId])
  ).rows[0];

  const env = engineEnv(url, null, {
    DATABASE_POOL_SIZE: String(o.pool),
    WORKER_CONCURRENCY: String(o['worker-concurrency']),
    WAIT_POLL_INTERVAL_MS: String(o.poll),
    ENGINE_ROLE: 'all',
  });

  // Engine A: publish the flow and send one real click as the reference.
  const portA = await freePort();
  const urlA = `http://127.0.0.1:${portA}`;
  const engineA = startEngine('engine-a-setup', { ...env, PORT: String(portA) });
  await waitUntilReady(urlA, engineA);
  const api = await apiLogin(urlA);
  const document = waitsFlow();
  const flow = await ensurePublishedFlow(api, client, 'Bench: no order in 72 h (tag on timeout)', document);
  const click = await api.post('/api/crm/events', {
    type: 'link.clicked',
    id: 'bench-reference-click',
    contact: { waId: REFERENCE_WA_ID },
    reference: 'https://shop.example/p/1',
  });
  if (click.status !== 202) throw new Error(`the reference click was refused: ${click.status} ${JSON.stringify(click.body)}`);
  let referenceId = null;
  for (let k = 0; k < 200 && !referenceId; k += 1) {
    referenceId =
      (await client.query(`SELECT x.id FROM executions x JOIN waits w ON w.execution_id = x.id WHERE x.status = 'waiting'`)).rows[0]?.id ??
      null;
    if (!referenceId) await sleep(100);
  }
  if (!referenceId) throw new Error('the reference click did not reach the wait within 20 s');
  await engineA.stop();

  // Engine I: a fresh process, idle, with no waits but the reference (compared with engine B, also fresh, below).
  const portI = await freePort();
  const engineI = startEngine('engine-idle-no-waits', { ...env, PORT: String(portI) });
  await waitUntilReady(`http://127.0.0.1:${portI}`, engineI);
  const samplerI = rssSampler(() => engineI.pid, 1000);
  onCleanup(() => samplerI.stop());
  const idleStart = Date.now();
  await sleep(o.settle * 1000);
  const idleSamples = samplerI.between(idleStart, Date.now());
  samplerI.stop();
  await engineI.stop();

  // Seeding: the future waits first, then the due ones (timed relative to their writing).
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  const config = (
    await client.query(`SELECT input->'config' AS config FROM execution_steps WHERE execution_id = $1 AND node_id = $2`, [
      referenceId,
      WAIT_NODE,
    ])
  ).rows[0]?.config;
  const future = o.waits - o.due;
  const seedStarted = Date.now();
  const written = [];
  for (let from = 1; from <= future; from += o.batch) {
    const to = Math.min(future, from + o.batch - 1);
    const now = new Date();
    const counts = (
      await client.query(
        seedStatement(`date_trunc('milliseconds', $8::timestamptz + interval '2 hours' + random() * interval '70 hours')`),
        [ids.workspace_id, ids.number_id, JSON.stringify(config), from, to, flow.flowId, flow.versionId, now],
      )
    ).rows[0];
    written.push(counts);
    log(`  future waits ${fmt(to)} / ${fmt(future)}`);
  }
  const futureSeconds = (Date.now() - seedStarted) / 1000;
  await client.query('VACUUM (ANALYZE) contacts, events, executions, execution_steps, waits');
  const firstDue = new Date(Date.now() + o.lead * 1000);
  const stepMs = o.due > 1 ? (o.spread * 1000) / (o.due - 1) : 0;
  const lastDue = new Date(firstDue.getTime() + stepMs * (o.due - 1));
  const dueStarted = Date.now();
  written.push(
    (
      await client.query(
        seedStatement(`date_trunc('milliseconds', $8::timestamptz + ((i - $4::int) * $9::float8) * interval '1 millisecond')`),
        [ids.workspace_id, ids.number_id, JSON.stringify(config), future + 1, o.waits, flow.flowId, flow.versionId, firstDue, stepMs],
      )
    ).rows[0],
  );
  const dueSeconds = (Date.now() - dueStarted) / 1000;
  const totals = written.reduce((t, c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (t[k] ?? 0) + v])), {});
  if (totals.waits !== o.waits || totals.executions !== o.waits || totals.steps !== 2 * o.waits)
    throw new Error(`seeding wrote ${JSON.stringify(totals)}`);
  log(`seeded ${fmt(o.waits)} waits: future ones in ${futureSeconds.toFixed(1)} s, due ones in ${dueSeconds.toFixed(1)} s`);

  // The seeded rows must look exactly like the engine's own.
  const seededId = (await client.query(`SELECT execution_id FROM waits WHERE execution_id <> $1 LIMIT 1`, [referenceId])).rows[0]
    .execution_id;
  const reference = await executionRows(client, referenceId);
  const seeded = await executionRows(client, seededId);
  const mismatches = [];
  for (const part of ['execution', 'steps', 'waits']) {
    const a = JSON.stringify(shape(reference[part]));
    const b = JSON.stringify(shape(seeded[part]));
    if (a !== b) mismatches.push(`${part}:\n  engine: ${a}\n  seeded: ${b}`);
  }
  if (mismatches.length > 0) throw new Error(`seeded rows differ from the engine's:\n${mismatches.join('\n')}`);

  // Engine B: idle with the waits pending, then firing.
  const portB = await freePort();
  const urlB = `http://127.0.0.1:${portB}`;
  const engineB = startEngine('engine-b-firing', { ...env, PORT: String(portB) });
  await waitUntilReady(urlB, engineB);
  const readyAt = Date.now();
  const samplerB = rssSampler(() => engineB.pid, 1000);
  onCleanup(() => samplerB.stop());
  if (readyAt > firstDue.getTime() - 3000)
    log(`warning: engine B was ready only ${(firstDue.getTime() - readyAt) / 1000} s before the first wait came due: raise --lead`);
  const cpuBefore = cpuSeconds(engineB.pid);
  log(`engine B ready (pid ${engineB.pid}); first wait due at ${firstDue.toISOString()}, last at ${lastDue.toISOString()}`);

  const backlog = [];
  let fired = 0;
  const deadline = lastDue.getTime() + o['drain-timeout'] * 1000;
  let allFiredAt = null;
  while (Date.now() < deadline && !isStopping()) {
    const row = (
      await client.query(
        // Only the partial index waits_due_idx (status = 'waiting'): cheap, so polling does not load the database.
        `SELECT count(*)::int AS remaining, count(*) FILTER (WHERE due_at <= now())::int AS overdue
           FROM waits WHERE status = 'waiting' AND due_at <= $1`,
        [lastDue],
      )
    ).rows[0];
    fired = o.due - row.remaining;
    if (Date.now() >= firstDue.getTime()) backlog.push({ at: Date.now(), overdue: row.overdue, fired });
    if (fired >= o.due) {
      allFiredAt = Date.now();
      break;
    }
    if (!engineB.alive()) throw new Error(`engine B exited (${engineB.logPath})`);
    await sleep(1000);
  }
  // A few more seconds: nothing else may fire, and RSS after the burst.
  await sleep(5000);
  samplerB.take();
  const cpuUsed = cpuSeconds(engineB.pid) - cpuBefore;
  samplerB.stop();
  await engineB.stop();
  if (allFiredAt === null) log(`only ${fired} of ${o.due} due waits fired within ${o['drain-timeout']} s after the last was due`);

  // Checks.
  const problems = [];
  const waitsBy = (
    await client.query(`SELECT (due_at <= $1) AS due, status, count(*)::int AS n FROM waits GROUP BY 1, 2 ORDER BY 1, 2`, [lastDue])
  ).rows;
  const count = (due, status) => waitsBy.find((r) => r.due === due && r.status === status)?.n ?? 0;
  if (count(true, 'fired') !== o.due) problems.push(`${count(true, 'fired')} of ${o.due} due waits fired`);
  if (count(true, 'waiting') + count(true, 'cancelled') !== 0)
    problems.push(`due waits not fired: ${count(true, 'waiting')} waiting, ${count(true, 'cancelled')} cancelled`);
  if (count(false, 'waiting') !== future + 1)
    problems.push(`${count(false, 'waiting')} future waits still waiting, expected ${future + 1} (with the reference)`);
  if (count(false, 'fired') + count(false, 'cancelled') !== 0)
    problems.push(`${count(false, 'fired') + count(false, 'cancelled')} future waits fired or were cancelled`);
  const steps = (
    await client.query(
      `SELECT (SELECT count(*) FROM execution_steps WHERE node_id = $1 AND status = 'succeeded' AND output_name = 'timeout')::int AS timeouts,
              (SELECT count(*) FROM execution_steps WHERE node_id = 'no-order')::int AS tag_steps,
              (SELECT count(*) FROM (SELECT execution_id FROM execution_steps WHERE node_id = 'no-order' GROUP BY execution_id HAVING count(*) > 1) d)::int AS twice,
              (SELECT count(*) FROM execution_steps s JOIN waits w ON w.execution_id = s.execution_id WHERE s.node_id = 'no-order' AND w.due_at > $2)::int AS future_tagged,
              (SELECT count(*) FROM executions x JOIN waits w ON w.execution_id = x.id WHERE w.due_at <= $2 AND x.status = 'succeeded')::int AS succeeded,
              (SELECT count(*) FROM contact_tags WHERE tag = $3)::int AS tagged,
              (SELECT count(*) FROM contact_tags WHERE tag = $4)::int AS order_tagged,
              (SELECT count(*) FROM events WHERE processed_at IS NULL)::int AS unprocessed`,
      [WAIT_NODE, lastDue, TIMEOUT_TAG, ORDER_TAG],
    )
  ).rows[0];
  if (steps.timeouts !== o.due) problems.push(`${steps.timeouts} wait steps ended by timeout, expected ${o.due}`);
  if (steps.tag_steps !== o.due || steps.twice !== 0)
    problems.push(`${steps.tag_steps} timeout tag steps (${steps.twice} executions with more than one), expected ${o.due}`);
  if (steps.future_tagged !== 0) problems.push(`${steps.future_tagged} future executions took the timeout branch`);
  if (steps.succeeded !== o.due) problems.push(`${steps.succeeded} due executions succeeded, expected ${o.due}`);
  if (steps.tagged !== o.due || steps.order_tagged !== 0)
    problems.push(
      `${steps.tagged} contacts tagged ${TIMEOUT_TAG} (expected ${o.due}), ${steps.order_tagged} tagged ${ORDER_TAG} (expected 0)`,
    );
  if (steps.unprocessed !== 0) problems.push(`${steps.unprocessed} events left unprocessed`);

  const late = (
    await client.query(
      `SELECT late_by_ms, (extract(epoch FROM fired_at - due_at) * 1000)::float8 AS fired_after_ms, fired_at FROM waits WHERE status = 'fired' AND due_at <= $1`,
      [lastDue],
    )
  ).rows;
  const firedTimes = late.map((r) => r.fired_at.getTime());
  const lastFired = firedTimes.length ? Math.max(...firedTimes) : null;

  const median = (samples) => (samples.length ? summary(samples.map((s) => s.bytes)).p50 : null);
  const max = (samples) => (samples.length ? Math.max(...samples.map((s) => s.bytes)) : null);
  const pendingSamples = samplerB.between(readyAt, Math.min(readyAt + o.settle * 1000, firstDue.getTime()));
  const firingSamples = samplerB.between(firstDue.getTime(), (lastFired ?? Date.now()) + 1500);
  const afterSamples = samplerB.samples.slice(-3);
  const sizes = await tableSizes(client, ['waits', 'executions', 'execution_steps', 'events', 'contacts'], true);

  const result = {
    benchmark: 'waits',
    machine,
    params: {
      db: o.db,
      waits: o.waits,
      due: o.due,
      spreadSeconds: o.spread,
      leadSeconds: o.lead,
      waitPollIntervalMs: o.poll,
      batch: o.batch,
      workerConcurrency: o['worker-concurrency'],
      poolSize: o.pool,
    },
    seeding: { futureSeconds, dueSeconds, rows: totals },
    rssBytes: {
      idleNoWaits: { median: median(idleSamples), max: max(idleSamples), samples: idleSamples.length },
      idleWithPending: { median: median(pendingSamples), max: max(pendingSamples), samples: pendingSamples.length },
      peakWhileFiring: max(firingSamples),
      afterFiring: median(afterSamples),
    },
    firing: {
      fired: late.length,
      firstDue: firstDue.toISOString(),
      lastDue: lastDue.toISOString(),
      lastFired: lastFired ? new Date(lastFired).toISOString() : null,
      firedPerSecond: lastFired ? late.length / ((lastFired - firstDue.getTime()) / 1000) : null,
      maxOverdueBacklog: backlog.length ? Math.max(...backlog.map((b) => b.overdue)) : null,
      engineCpuSeconds: cpuUsed,
    },
    latenessMs: { lateByMs: summary(late.map((r) => r.late_by_ms)), firedAtMinusDueAt: summary(late.map((r) => r.fired_after_ms)) },
    rssTimeline: samplerB.samples.map((s) => [Math.round((s.at - readyAt) / 1000), s.bytes]),
    sizes,
    logs: [engineA.logPath, engineI.logPath, engineB.logPath],
    problems,
  };
  print(result);
  if (problems.length > 0) {
    process.stderr.write(`FAILED checks:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  return 0;
});

function print(result) {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const p = result.params;
  const r = result.rssBytes;
  const f = result.firing;
  const row = (name, s) => [name, fmt(s.count), fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max), fmt(s.mean, 1)];
  const lines = [
    `# Pending waits: ${fmt(p.waits)} waiting ("no order in 72 h"), ${fmt(p.due)} coming due over ${p.spreadSeconds} s`,
    '',
    describeMachine(result.machine),
    '',
    `Embedded engine (ENGINE_ROLE=all), WAIT_POLL_INTERVAL_MS ${p.waitPollIntervalMs}, WORKER_CONCURRENCY ${p.workerConcurrency}, DATABASE_POOL_SIZE ${p.poolSize}.`,
    `Seeding (set-based, at most ${fmt(p.batch)} waits per statement): future waits ${fmt(result.seeding.futureSeconds, 1)} s, due waits ${fmt(result.seeding.dueSeconds, 1)} s.`,
    '',
    table(
      ['engine RSS (VmRSS, sampled every 1 s)', 'value'],
      [
        [`idle, no waits, fresh process (median of ${r.idleNoWaits.samples} samples)`, mib(r.idleNoWaits.median)],
        [`idle, ${fmt(p.waits)} pending, fresh process (median of ${r.idleWithPending.samples})`, mib(r.idleWithPending.median)],
        ['peak while the due waits fire', mib(r.peakWhileFiring)],
        ['after firing', mib(r.afterFiring)],
      ],
    ),
    '',
    table(
      ['firing', 'value'],
      [
        ['due waits fired', `${fmt(f.fired)} of ${fmt(p.due)}`],
        ['fired/s (first due to last fired)', fmt(f.firedPerSecond, 1)],
        ['largest backlog of overdue waits (sampled every 1 s)', fmt(f.maxOverdueBacklog)],
        ['engine CPU seconds while firing', fmt(f.engineCpuSeconds, 1)],
      ],
    ),
    '',
    table(
      ['lateness, ms', 'count', 'p50', 'p90', 'p99', 'max', 'mean'],
      [
        row('late_by_ms (engine, at wake)', result.latenessMs.lateByMs),
        row('fired_at - due_at (committed)', result.latenessMs.firedAtMinusDueAt),
      ],
    ),
    '',
    sizeTable(result.sizes),
    '',
    result.problems.length === 0
      ? `Checks passed: every due wait fired once (one timeout step, one tag step, one tag per contact), no future wait fired, nothing pending.`
      : `CHECKS FAILED: ${result.problems.length} problem(s).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
