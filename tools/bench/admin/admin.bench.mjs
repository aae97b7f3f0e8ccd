// Admin console benchmark (issue 13): the executions explorer's first page
// under many filter combinations over a large executions table (target p99 <
// 200 ms at 10,000,000 rows), and a bulk retry by filter: its rate, and the
// explorer's latency while it runs (live traffic must not stall).
//
// Real parts only: the built engine (apps/engine/dist) as its own process, the
// machine's PostgreSQL, real HTTP. The seed is set-based SQL, kept between runs
// (--reseed to make it again; --executions to choose the scale).
//
// While the bulk retry runs, live WhatsApp webhooks are posted at --live-rate a
// second (signed as Meta signs them) and their answer times measured; the job
// is started twice at once with the same request key, and afterwards every
// execution of the set must have been retried exactly once.
//
//   node tools/bench/admin/admin.bench.mjs [--executions=1000000] [--contacts=100000] [--samples=40]
//        [--bulk=2000] [--live-rate=20] [--db=parley_bench_i13audit_admin] [--reseed]

import { inboundMessagesPayload } from '../lib/whatsapp-webhook.mjs';
import { createHmac, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import {
  apiLogin,
  BENCH,
  Client,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  describeMachine,
  dropDatabase,
  engineEnv,
  engineSetup,
  ensurePublishedFlow,
  fmt,
  freePort,
  log,
  machineInfo,
  parseOptions,
  run,
  sleep,
  startEngine,
  summary,
  table,
  waitUntilReady,
} from '../engine/bench-lib.mjs';

const USAGE = `node tools/bench/admin/admin.bench.mjs [--executions=1000000] [--contacts=100000] [--samples=40] [--bulk=2000]
  [--live-rate=20] [--db=parley_bench_i13audit_admin] [--reseed] [--seed-only] [--port=0 (any free one)]
  [--only=all|explorer|bulk|stuck] [--stuck=100000] [--redis=redis://127.0.0.1:6379/13] [--bulk-actions=retry,cancel]
  [--combos=<part of a name>[,<part>...] (only the explorer combinations whose name contains one of them)]`;
const o = parseOptions(
  {
    executions: 1_000_000,
    contacts: 100_000,
    samples: 40,
    bulk: 2000,
    'live-rate': 20,
    db: 'parley_bench_i13audit_admin',
    reseed: false,
    'seed-only': false,
    port: 0,
    only: 'all',
    stuck: 100_000,
    redis: 'redis://127.0.0.1:6379/13',
    'bulk-actions': 'retry,cancel',
    combos: '',
  },
  USAGE,
);

/** One customer's text message as Meta delivers it, signed with the bench app secret; resolves with the answer's time. */
function postLiveWebhook(engineUrl, n) {
  const waId = `39341${String(n % 1_000_000).padStart(7, '0')}`;
  const body = JSON.stringify(
    inboundMessagesPayload({
      contacts: [{ profile: { name: `Live ${n}` }, wa_id: waId }],
      messages: [
        {
          from: waId,
          id: `wamid.adminlive${randomBytes(12).toString('hex')}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: `Hello, is the shop open today? #${n}` },
        },
      ],
    }),
  );
  const signature = `sha256=${createHmac('sha256', BENCH.appSecret).update(body).digest('hex')}`;
  const started = performance.now();
  return fetch(`${engineUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  }).then(async (response) => {
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  });
}

const FLOWS = 10;
const CHUNK = 250_000;

function flowDocument(i) {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'trigger',
        type: 'trigger.inbound_message',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { match: 'keyword', keywords: [`benchadmin${i}`], mode: 'contains', caseSensitive: false },
      },
      {
        id: 'reply',
        type: 'whatsapp.send_message',
        typeVersion: 1,
        position: { x: 0, y: 180 },
        config: { message: { type: 'text', text: 'Bench reply', previewUrl: false } },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'reply' }],
    notes: [],
  };
}

async function seed(client, api) {
  const started = Date.now();
  const flows = [];
  for (let i = 0; i < FLOWS; i += 1) flows.push(await ensurePublishedFlow(api, client, `Bench admin flow ${i}`, flowDocument(i)));
  const { rows } = await client.query('SELECT id FROM workspaces LIMIT 1');
  const workspace = rows[0].id;
  log(`seeding ${fmt(o.contacts)} contacts`);
  await client.query(
    `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name)
     SELECT $1, (395000000000 + g)::text, '+' || (395000000000 + g)::text, 'Customer ' || g FROM generate_series(1, $2) g
     ON CONFLICT DO NOTHING`,
    [workspace, o.contacts],
  );
  const contactIds = (await client.query(`SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY wa_id`, [workspace])).rows.map(
    (r) => r.id,
  );
  await client.query('CREATE TEMP TABLE bench_flows (n int, flow_id uuid, version_id uuid)');
  for (const [n, f] of flows.entries()) await client.query('INSERT INTO bench_flows VALUES ($1, $2, $3)', [n, f.flowId, f.versionId]);
  await client.query('CREATE TEMP TABLE bench_contacts (n int, id uuid)');
  await client.query('INSERT INTO bench_contacts SELECT ordinality - 1, id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ordinality)', [
    contactIds,
  ]);
  await client.query('CREATE INDEX ON bench_contacts (n)');
  // Maintaining every index row by row makes 10 M inserts take over an hour here; the secondary indexes are
  // dropped for the seed and built again after it from their own definitions (the engine's migrations made them).
  const indexes = (
    await client.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = 'executions' AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )
  ).rows;
  for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
  // The reports' row triggers would queue 10 M report changes for the engine to fold in during the measures; the
  // seed is history the admin bench reads, not runs the reports need (as superuser: also skips the FK checks).
  await client.query(`SET session_replication_role = replica`);
  // 80% succeeded, 10% failed (four error codes), 5% waiting, 3% cancelled, 2% held; 2% test runs; 90 days.
  for (let from = 0; from < o.executions; from += CHUNK) {
    const count = Math.min(CHUNK, o.executions - from);
    await client.query(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, error_code, error_message,
                               ended_reason, test_mode, started_at, finished_at, updated_at)
       SELECT $1, f.flow_id, f.version_id, c.id, s.status,
              CASE WHEN s.status IN ('failed', 'waiting', 'held') THEN 'reply' END,
              CASE WHEN s.status = 'failed' THEN (ARRAY['131026', '131047', '130429', 'internal_error'])[1 + (g % 4)] END,
              CASE WHEN s.status = 'failed' THEN 'Bench failure' END,
              CASE WHEN s.status = 'succeeded' THEN 'completed' WHEN s.status = 'failed' THEN 'failed' WHEN s.status = 'cancelled' THEN 'cancelled_by_user' END,
              g % 50 = 0,
              t.at, CASE WHEN s.status IN ('succeeded', 'failed', 'cancelled') THEN t.at + interval '2 seconds' END, t.at
         FROM generate_series($2::bigint, $3::bigint) g
         -- Spread over 90 days by a hash of g (a random() here, not referring to g, was computed once per chunk).
         CROSS JOIN LATERAL (SELECT now() - ((g * 2654435761) % 7776000000) * interval '1 millisecond' AS at) t
         CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 80 THEN 'succeeded' WHEN g % 100 < 90 THEN 'failed' WHEN g % 100 < 95 THEN 'waiting'
                                         WHEN g % 100 < 98 THEN 'cancelled' ELSE 'held' END AS status) s
         JOIN bench_flows f ON f.n = g % ${FLOWS}
         JOIN bench_contacts c ON c.n = (g * 7919) % $4`,
      [workspace, from + 1, from + count, contactIds.length],
    );
    log(`  ${fmt(from + count)} executions`);
  }
  // The waiting runs wait on delays due in the next month (none overdue, so none is stuck and the engine's timer leaves them).
  log('  waits of the waiting executions');
  await client.query(
    `INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at)
     SELECT workspace_id, contact_id, id, 'reply', 'delay', now() + interval '1 day' + random() * interval '30 days'
       FROM executions WHERE status = 'waiting'`,
  );
  await client.query(`RESET session_replication_role`);
  // The health strip's hourly counts are kept by triggers the seed turned off: count them once from the table.
  log('  health strip counts');
  await client.query('SELECT parley_execution_counts_recount()');
  for (const index of indexes) {
    log(`  index ${index.indexname}`);
    await client.query(index.indexdef);
  }
  // VACUUM, not only ANALYZE: a table this old in a running installation has been vacuumed by autovacuum (this
  // machine's server runs with it off). Without it the visibility map is empty, so every index-only read of the
  // explorer fetches each row from the table as well, and the first read of each page writes its hint bits.
  log('VACUUM ANALYZE');
  await client.query('VACUUM (ANALYZE) executions');
  await client.query('VACUUM (ANALYZE) contacts');
  await client.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  await client.query(`INSERT INTO bench_meta VALUES ('admin', $1) ON CONFLICT (key) DO UPDATE SET value = $1`, [
    JSON.stringify({ executions: o.executions, contacts: o.contacts, seconds: Math.round((Date.now() - started) / 1000) }),
  ]);
}

function combinations(flowIds, versionIds) {
  const flow = () => flowIds[Math.floor(Math.random() * flowIds.length)];
  const version = () => versionIds[Math.floor(Math.random() * versionIds.length)];
  const week = () => new Date(Date.now() - 7 * 86_400_000).toISOString();
  const day = () => new Date(Date.now() - 86_400_000).toISOString();
  return [
    ['no filter', () => ''],
    ['status=failed', () => 'status=failed'],
    ['status=waiting', () => 'status=waiting'],
    ['flow', () => `flowId=${flow()}`],
    ['flow + status=failed', () => `flowId=${flow()}&status=failed`],
    ['flow version', () => `flowVersionId=${version()}`],
    ['flow version + status=waiting', () => `flowVersionId=${version()}&status=waiting`],
    ['errorCode', () => 'errorCode=131047'],
    ['flow + errorCode + last 7 days', () => `flowId=${flow()}&errorCode=131047&from=${week()}`],
    ['status=failed + last 24 h', () => `status=failed&from=${day()}`],
    ['failedStep', () => 'failedStep=reply'],
    ['contact search (name)', () => `contact=Customer%20${1 + Math.floor(Math.random() * o.contacts)}`],
    ['contact search (number)', () => `contact=${395000000000 + 1 + Math.floor(Math.random() * o.contacts)}`],
    ['contact search (name) + status=failed', () => `contact=Customer%20${1 + Math.floor(Math.random() * o.contacts)}&status=failed`],
    // "Customer 5" matches 11,111 of 100,000 contacts; "Customer 512" 111; 9 digits of a number 1,000.
    ['contact search (broad name: 11,111 contacts)', () => `contact=Customer%20${1 + Math.floor(Math.random() * 9)}`],
    ['contact search (name: 111 contacts)', () => `contact=Customer%20${100 + Math.floor(Math.random() * 900)}`],
    ['contact search (part of a number: 1,000 contacts)', () => `contact=${395000010 + Math.floor(Math.random() * 90)}`],
    ['contact search (broad name) + status=failed', () => `contact=Customer%20${1 + Math.floor(Math.random() * 9)}&status=failed`],
    ['test runs only', () => 'testRuns=only'],
    ['test runs left out + held', () => 'testRuns=exclude&status=held'],
    ['status=failed,waiting', () => 'status=failed,waiting'],
    ['stuck', () => 'stuck=true'],
    ['status=running,held', () => 'status=running,held'],
    [
      'failedStep + errorCode + last 30 days',
      () => `failedStep=reply&errorCode=130429&from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}`,
    ],
    // More combinations an admin plausibly filters by (h33): time ranges with other filters, a custom day long ago,
    // filters whose intersection is empty in this seed (test runs all succeeded, so test runs + failed has no rows).
    ['flow + status=waiting + last 24 h', () => `flowId=${flow()}&status=waiting&from=${day()}`],
    ['errorCode + last 24 h', () => `errorCode=131026&from=${day()}`],
    ['flow version + errorCode', () => `flowVersionId=${version()}&errorCode=130429`],
    ['flow + failedStep', () => `flowId=${flow()}&failedStep=reply`],
    [
      'status=cancelled + one day 30 days ago',
      () =>
        `status=cancelled&from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 29 * 86_400_000).toISOString()}`,
    ],
    ['held + flow version', () => `flowVersionId=${version()}&status=held`],
    ['test runs only + flow + status=failed (no rows)', () => `testRuns=only&flowId=${flow()}&status=failed`],
    ['test runs left out + flow + errorCode', () => `testRuns=exclude&flowId=${flow()}&errorCode=131047`],
    [
      'contact search (name: 111 contacts) + status=failed',
      () => `contact=Customer%20${100 + Math.floor(Math.random() * 900)}&status=failed`,
    ],
    [
      'contact search (name: 111 contacts) + last 7 days',
      () => `contact=Customer%20${100 + Math.floor(Math.random() * 900)}&from=${week()}`,
    ],
    ['contact search (name: 1,111 contacts)', () => `contact=Customer%20${10 + Math.floor(Math.random() * 90)}`],
  ];
}

async function timed(api, pathFor, samples) {
  const values = [];
  for (let i = 0; i < samples; i += 1) {
    const path = pathFor(i);
    const started = performance.now();
    const response = await api.get(path);
    values.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  }
  return summary(values.sort((a, b) => a - b));
}

/**
 * The explorer's "stuck" filter and the health strip with `--stuck` overdue waits (runs waiting on a wait due an
 * hour ago that nothing picked up), made for the measure and put back after it. The engine runs as API only, so its
 * wait timer does not resume them.
 */
async function measureStuck(client, api, flowIds, total) {
  log(`making ${fmt(o.stuck)} waits overdue`);
  await client.query('DROP TABLE IF EXISTS bench_stuck');
  await client.query(
    `CREATE TABLE bench_stuck AS
       SELECT w.id, w.due_at FROM waits w JOIN executions e ON e.id = w.execution_id
        WHERE w.status = 'waiting' AND e.status = 'waiting' AND e.flow_id = ANY($1) ORDER BY w.id LIMIT $2`,
    [flowIds, o.stuck],
  );
  await client.query(`UPDATE waits w SET due_at = now() - interval '1 hour' FROM bench_stuck b WHERE w.id = b.id`);
  await client.query('ANALYZE waits');
  try {
    const first = performance.now();
    const firstResponse = await api.get('/api/executions?limit=50&stuck=true');
    const firstMs = performance.now() - first;
    if (firstResponse.status !== 200 || firstResponse.body.data.length !== 50) throw new Error(`stuck page: ${firstResponse.status}`);
    const flow = () => flowIds[Math.floor(Math.random() * flowIds.length)];
    const rows = [];
    for (const [name, query] of [
      ['stuck', () => 'stuck=true'],
      ['stuck + flow', () => `stuck=true&flowId=${flow()}`],
      ['stuck + last 7 days', () => `stuck=true&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`],
    ]) {
      await timed(api, () => `/api/executions?limit=50&${query()}`, 3);
      const t = await timed(api, () => `/api/executions?limit=50&${query()}`, o.samples);
      rows.push([name, fmt(t.p50, 1), fmt(t.p90, 1), fmt(t.p99, 1), fmt(t.max, 1)]);
      log(`  ${name}: p50 ${fmt(t.p50, 1)} ms, p99 ${fmt(t.p99, 1)} ms`);
    }
    const health = await timed(api, () => '/api/executions/health', Math.min(o.samples, 20));
    const strip = (await api.get('/api/executions/health')).body;
    log(`  health strip: p50 ${fmt(health.p50, 1)} ms, p99 ${fmt(health.p99, 1)} ms (stuck ${strip.stuck}, capped ${strip.capped})`);
    return [
      `Stuck runs: ${fmt(o.stuck)} waiting runs of the seeded flows with their wait made overdue (due an hour ago), of ${fmt(total)} executions; the engine as API only (no wait timer). First stuck page right after: ${fmt(firstMs, 1)} ms. ${o.samples} requests per filter after 3 warm-ups, ms:`,
      '',
      table(['filter', 'p50', 'p90', 'p99', 'max'], rows),
      '',
      `Health strip with them: p50 ${fmt(health.p50, 1)} ms, p99 ${fmt(health.p99, 1)} ms (stuck shown: ${strip.stuck}, capped: ${JSON.stringify(strip.capped)}).`,
    ];
  } finally {
    await client.query('UPDATE waits w SET due_at = b.due_at FROM bench_stuck b WHERE w.id = b.id');
    await client.query('DROP TABLE bench_stuck');
  }
}

/** What a bulk job of `action` acts on, made for the bench: failed runs (retry) or waiting runs with a wait due in a month (cancel). */
async function seedBulkTarget(client, api, action, count) {
  // A flow of its own per run: the runs an earlier run acted on are not this run's set.
  const flow = await ensurePublishedFlow(api, client, `Bench admin bulk ${action} ${Date.now()}`, flowDocument('bulk'));
  const workspace = (await client.query('SELECT id FROM workspaces LIMIT 1')).rows[0].id;
  if (action === 'retry')
    await client.query(
      `WITH made AS (
         INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, error_code, error_message, ended_reason, started_at, finished_at, updated_at)
         SELECT $1, $2, $3, c.id, 'failed', 'reply', '131026', 'Bench failure', 'failed', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
           FROM (SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY wa_id LIMIT $4) c
         RETURNING id, started_at)
       INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, visit, error_code, started_at, finished_at)
       SELECT $1, id, 1, 'reply', 'whatsapp.send_message', 1, 'failed', 1, '131026', started_at, started_at FROM made`,
      [workspace, flow.flowId, flow.versionId, count],
    );
  else
    await client.query(
      `WITH made AS (
         INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
         SELECT $1, $2, $3, c.id, 'waiting', 'reply', now() - interval '1 hour', now() - interval '1 hour'
           FROM (SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY wa_id LIMIT $4) c
         RETURNING id, contact_id)
       INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at)
       SELECT $1, contact_id, id, 'reply', 'delay', now() + interval '30 days' FROM made`,
      [workspace, flow.flowId, flow.versionId, count],
    );
  return flow.flowId;
}

/**
 * A bulk job by filter of `count` executions: preview, then the start sent twice at once with one request key,
 * its rate, live webhooks (20 s alone first, then during the job) and explorer reads while it runs, and afterwards
 * the trail: exactly one entry per execution of the set, none outside it; the rest of the table untouched.
 */
async function measureBulk(client, api, engineUrl, action, count) {
  log(`bulk ${action} of ${fmt(count)} executions`);
  const bulkFlow = await seedBulkTarget(client, api, action, count);
  const filter = action === 'retry' ? { flowId: bulkFlow, errorCode: '131026' } : { flowId: bulkFlow, status: 'waiting' };
  const preview = await api.post('/api/executions/bulk/preview', { action, filter });
  if (preview.body?.count !== count) throw new Error(`preview counted ${JSON.stringify(preview.body)}`);
  // The seeded flows' runs (the runs an earlier bulk retry moved are still being worked, so they change on their own).
  const activeOutside = async () =>
    Number(
      (
        await client.query(
          `SELECT count(*) AS n FROM executions WHERE status IN ('waiting', 'held')
              AND flow_id IN (SELECT id FROM flows WHERE name LIKE 'Bench admin flow %')`,
        )
      ).rows[0].n,
    );
  const outsideBefore = action === 'cancel' ? await activeOutside() : null;
  // Live webhooks alone first (the same rate, no job), to compare with the same traffic during the job.
  const baseline = [];
  {
    const every = 1000 / o['live-rate'];
    const from = performance.now();
    const sends = [];
    for (let n = 1; performance.now() - from < 20_000; n += 1) {
      sends.push(postLiveWebhook(engineUrl, 500_000 + n).then((r) => r.status === 200 && baseline.push(r.ms)));
      await sleep(Math.max(0, from + n * every - performance.now()));
    }
    await Promise.all(sends);
  }
  const baselineSummary = summary(baseline.sort((a, b) => a - b));
  const entryAction = action === 'retry' ? 'execution.retried' : 'execution.cancelled';
  // Every such entry after this one is the job's (nothing else retries or cancels here), so exactly-once is counted by id.
  const auditBefore = (await client.query('SELECT coalesce(max(id), 0) AS id FROM audit_log')).rows[0].id;
  const load = [loadavg()];
  const started = performance.now();
  const startBody = { action, filter, expectedCount: preview.body.count, requestKey: `bench-${action}-${Date.now()}` };
  // Started twice at once (a double click, two tabs): one job.
  const [job, twice] = await Promise.all([
    api.post('/api/executions/bulk/jobs', startBody),
    api.post('/api/executions/bulk/jobs', startBody),
  ]);
  if (job.status !== 202 || twice.status !== 202) throw new Error(`start: ${job.status}/${twice.status} ${JSON.stringify(job.body)}`);
  if (twice.body.id !== job.body.id) throw new Error(`started twice, two jobs: ${job.body.id} and ${twice.body.id}`);
  const startSeconds = (performance.now() - started) / 1000;
  const live = [];
  const webhooks = [];
  const webhookFailures = [];
  let posting = true;
  let posted = 0;
  const pending = new Set();
  const poster = (async () => {
    const every = 1000 / o['live-rate'];
    const from = performance.now();
    while (posting) {
      posted += 1;
      const sent = postLiveWebhook(engineUrl, posted)
        .then((r) => (r.status === 200 ? webhooks.push(r.ms) : webhookFailures.push(r.status)))
        .catch((error) => webhookFailures.push(String(error)))
        .finally(() => pending.delete(sent));
      pending.add(sent);
      const next = from + posted * every;
      await sleep(Math.max(0, next - performance.now()));
    }
  })();
  let state = job.body;
  let lastLoad = performance.now();
  while (state.status !== 'done') {
    const t = performance.now();
    const r = await api.get(`/api/executions?limit=50&status=failed`);
    live.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`live read: ${r.status}`);
    state = (await api.get(`/api/executions/bulk/jobs/${job.body.id}`)).body;
    if (performance.now() - lastLoad > 30_000) {
      load.push(loadavg());
      lastLoad = performance.now();
    }
    await sleep(100);
  }
  const bulkSeconds = (performance.now() - started) / 1000;
  load.push(loadavg());
  posting = false;
  await poster;
  await Promise.all([...pending]);
  const webhookSummary = summary(webhooks.sort((a, b) => a - b));
  // Exactly once: every execution of the set acted on once (one audit entry each), none twice, none outside it.
  const once = (
    await client.query(
      `SELECT count(*)::int AS entries, count(DISTINCT subject_id)::int AS executions,
              count(*) FILTER (WHERE (SELECT e.flow_id FROM executions e WHERE e.id = subject_id::uuid) IS DISTINCT FROM $2)::int AS outside
         FROM audit_log WHERE id > $1 AND action = $3`,
      [auditBefore, bulkFlow, entryAction],
    )
  ).rows[0];
  if (once.entries !== count || once.executions !== count || once.outside !== 0)
    throw new Error(`${action}: ${JSON.stringify(once)}, expected ${count} once each`);
  const outsideAfter = action === 'cancel' ? await activeOutside() : null;
  if (outsideBefore !== outsideAfter)
    throw new Error(`cancel touched runs outside its set: ${outsideBefore} active before, ${outsideAfter} after`);
  return {
    action,
    count,
    startSeconds,
    bulkSeconds,
    state,
    once,
    baseline: baselineSummary,
    baselineCount: baseline.length,
    webhooks: webhookSummary,
    webhookCount: webhooks.length,
    webhookFailures,
    live: summary(live.sort((a, b) => a - b)),
    liveCount: live.length,
    load,
    outside: outsideAfter,
  };
}

function bulkLines(b) {
  const loads = b.load.map((l) => l[0].toFixed(1)).join(', ');
  return [
    `Bulk ${b.action} by filter of ${fmt(b.count)} ${b.action === 'retry' ? 'failed' : 'waiting'} executions (started twice at once with one request key: one job): start (freezing the set) ${fmt(b.startSeconds, 2)} s, done after ${fmt(b.bulkSeconds, 1)} s = ${fmt(b.count / b.bulkSeconds, 0)} executions/s (${b.state.succeeded} acted on, ${b.state.skipped} skipped; the audit trail has ${fmt(b.once.entries)} entries for ${fmt(b.once.executions)} distinct executions, none outside the set: none twice)${b.outside === null ? '' : `; the ${fmt(b.outside)} waiting and held runs outside the set were all still active after it`}. Load average (1 min) at its start, every 30 s and at its end: ${loads}.`,
    '',
    `Live WhatsApp webhooks for 20 s before the job (same rate, no job): ${fmt(b.baselineCount)}, answer p50 ${fmt(b.baseline.p50, 1)} ms, p99 ${fmt(b.baseline.p99, 1)} ms.`,
    '',
    `Live traffic while it ran: ${fmt(b.webhookCount)} WhatsApp webhooks posted at ${o['live-rate']}/s, answer p50 ${fmt(b.webhooks.p50, 1)} ms, p99 ${fmt(b.webhooks.p99, 1)} ms, max ${fmt(b.webhooks.max, 1)} ms${b.webhookFailures.length > 0 ? `, ${b.webhookFailures.length} failed (${[...new Set(b.webhookFailures)].slice(0, 3).join(', ')})` : ', none failed'}; explorer first page (status=failed): ${b.liveCount} requests, p50 ${fmt(b.live.p50, 1)} ms, p99 ${fmt(b.live.p99, 1)} ms.`,
    '',
  ];
}

run(async () => {
  const serverUrl = DEFAULT_PG;
  const url = databaseUrl(serverUrl, o.db);
  if (o.reseed && (await databaseExists(serverUrl, o.db))) await dropDatabase(serverUrl, o.db);
  const fresh = !(await databaseExists(serverUrl, o.db));
  if (fresh) await createDatabase(serverUrl, o.db);
  engineSetup(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  const machine = await machineInfo(client);
  const port = o.port > 0 ? o.port : await freePort();
  const engineUrl = `http://127.0.0.1:${port}`;
  // The stuck measure makes waits overdue: an API-only engine (no wait timer) reads them without resuming them.
  const role = o.only === 'stuck' ? { ENGINE_ROLE: 'api', REDIS_URL: o.redis } : { ENGINE_ROLE: 'all' };
  const engine = startEngine('admin-engine', engineEnv(url, null, { PORT: String(port), ...role, LOG_LEVEL: 'error' }));
  await waitUntilReady(engineUrl, engine);
  const api = await apiLogin(engineUrl);
  if (fresh) await seed(client, api);
  else log(`reusing the seeded database ${o.db} (--reseed to make it again)`);
  if (o['seed-only']) {
    await engine.stop();
    await client.end();
    return;
  }
  const seeded = (await client.query(`SELECT value FROM bench_meta WHERE key = 'admin'`)).rows[0]?.value;
  const total = Number((await client.query('SELECT count(*) AS n FROM executions')).rows[0].n);
  const benchFlows = (await client.query(`SELECT id, published_version_id FROM flows WHERE name LIKE 'Bench admin flow %'`)).rows;
  const flowIds = benchFlows.map((r) => r.id);
  const versionIds = benchFlows.map((r) => r.published_version_id);
  const before = loadavg();

  if (o.only === 'stuck') {
    const lines = await measureStuck(client, api, flowIds, total);
    await engine.stop();
    await client.end();
    process.stdout.write(
      `${[
        ...lines,
        '',
        `Load average (1, 5, 15 min) before: ${before.map((v) => v.toFixed(2)).join(', ')}; after: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(', ')}.`,
      ].join('\n')}\n`,
    );
    return;
  }

  const explorer = o.only !== 'bulk' && o.only !== 'stuck';
  if (explorer) log('explorer first pages');
  const rows = [];
  const all = [];
  const wanted = String(o.combos)
    .split(',')
    .filter((part) => part !== '');
  const chosen = combinations(flowIds, versionIds).filter(([name]) => wanted.length === 0 || wanted.some((part) => name.includes(part)));
  for (const [name, query] of explorer ? chosen : []) {
    await timed(api, () => `/api/executions?limit=50&${query()}`, 3); // warm-up
    const s = await timed(api, () => `/api/executions?limit=50&${query()}`, o.samples);
    rows.push([name, fmt(s.p50, 1), fmt(s.p90, 1), fmt(s.p99, 1), fmt(s.max, 1)]);
    all.push(s.p99);
    log(`  ${name}: p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms`);
  }
  const health = explorer && wanted.length === 0 ? await timed(api, () => '/api/executions/health', Math.min(o.samples, 20)) : null;
  if (health) log(`  health strip: p50 ${fmt(health.p50, 1)} ms, p99 ${fmt(health.p99, 1)} ms`);

  const bulk = o.only !== 'explorer';
  const actions = String(o['bulk-actions']).split(',');
  const retry = bulk && actions.includes('retry') ? await measureBulk(client, api, engineUrl, 'retry', o.bulk) : null;
  const cancel = bulk && actions.includes('cancel') ? await measureBulk(client, api, engineUrl, 'cancel', o.bulk) : null;
  const after = loadavg();
  await engine.stop();
  await client.end();

  const lines = [
    `## Issue 13 — admin console: executions explorer and bulk retry — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Command: \`node tools/bench/admin/admin.bench.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
    describeMachine(machine),
    `Load average (1, 5, 15 min) before the measures: ${before.map((v) => v.toFixed(2)).join(', ')}; after: ${after.map((v) => v.toFixed(2)).join(', ')} (the machine is shared with other sessions).`,
    '',
    `Data: ${fmt(total)} executions in one workspace (${fmt(seeded?.executions ?? 0)} seeded over 90 days in ${fmt(seeded?.seconds ?? 0)} s: 80% succeeded, 10% failed with four error codes, 5% waiting, 3% cancelled, 2% held, 2% test runs; ${FLOWS} flows; ${fmt(seeded?.contacts ?? 0)} contacts). One engine process (ENGINE_ROLE=all).`,
    '',
    ...(rows.length > 0
      ? [
          `Explorer first page (GET /api/executions?limit=50&…), ${o.samples} requests per filter, sequential, ms:`,
          '',
          table(['filter', 'p50', 'p90', 'p99', 'max'], rows),
          '',
          `Worst p99 over the filters: ${fmt(Math.max(...all), 1)} ms.${health ? ` Health strip (GET /api/executions/health): p50 ${fmt(health.p50, 1)} ms, p99 ${fmt(health.p99, 1)} ms.` : ''}`,
          '',
        ]
      : []),
    ...(retry ? bulkLines(retry) : []),
    ...(cancel ? bulkLines(cancel) : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
