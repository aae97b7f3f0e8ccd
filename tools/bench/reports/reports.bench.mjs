// Reports benchmark (issue 15): report latency over any 90-day range and
// filter on a large history, the rollup job's catch-up rate, and a full
// rebuild. Real parts only: the built engine (apps/engine/dist) as its own
// process and CLI, the machine's PostgreSQL, real HTTP.
//
// The seed is the engine's own demo generator (apps/engine/dist/reports/demo-data.js)
// with triggers off (session_replication_role = replica), then a timed full
// rebuild (cli.js reports:rebuild). Kept between runs (--reseed to make it again).
//
//   node tools/bench/reports/reports.bench.mjs [--sessions-per-day=1700] [--days=90] [--samples=100]
//        [--ingest=20000] [--db=parley_bench_i15reports] [--reseed]

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import {
  apiLogin,
  BENCH,
  Client,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  DEFAULT_REDIS,
  describeMachine,
  dropDatabase,
  engineEntry,
  engineEnv,
  engineRequire,
  engineSetup,
  fmt,
  freePort,
  log,
  machineInfo,
  parseOptions,
  run,
  startEngine,
  summary,
  table,
  waitUntilReady,
} from '../engine/bench-lib.mjs';
import { seedAtScale } from './scale-seed.mjs';

const USAGE = `node tools/bench/reports/reports.bench.mjs [--sessions-per-day=1700] [--days=90] [--samples=100] [--ingest=20000]
  [--db=parley_bench_i15reports] [--reseed] [--port=0] [--steps=1]
  [--scale] [--messages=10000000] [--executions=1000000] [--contacts=200000] [--chunk=50000]
  [--trigger-rounds=0] [--trigger-batch=10000] [--trigger-statement=1000] [--sustain=0] [--rate=2000] [--drop] [--seed-only]
  [--reports=service,traffic,words,messaging,funnel,cost,discount,daily] [--role=all] [--latency-only] [--ingest-contacts=2000] [--ingest-fresh]

--ingest-contacts: how many customers the inserted messages are spread over (round robin). With the default 2,000 at
2,000 msg/s each customer writes every second, and as nobody resolves a conversation its open cycle (which each
rollup round reads again, see report-rollup.service.ts) grows by 60 messages a minute.
--ingest-fresh: only customers with no message in the last 3 hours, so a run's customers are not the previous run's
(every inserted message is a discount request, and a round recomputes each touched customer's whole chain of them).`;
const o = parseOptions(
  {
    'sessions-per-day': 1700,
    days: 90,
    samples: 100,
    ingest: 20_000,
    db: 'parley_bench_i15reports',
    reseed: false,
    port: 0,
    steps: 1,
    scale: false,
    messages: 10_000_000,
    executions: 1_000_000,
    contacts: 200_000,
    chunk: 50_000,
    'trigger-rounds': 0,
    'trigger-batch': 10_000,
    'trigger-statement': 1000,
    sustain: 0,
    rate: 2000,
    drop: false,
    'seed-only': false,
    reports: '',
    role: 'all',
    'latency-only': false,
    'ingest-contacts': 2000,
    'ingest-fresh': false,
  },
  USAGE,
);
const load = () => os.loadavg()[0].toFixed(1);

function cli(args, url) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [engineEntry('cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, SECRETS_KEY: BENCH.secretsKey, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${result.stderr}`);
  return { ms: Date.now() - started, out: result.stdout.trim() };
}

run(async () => {
  const url = databaseUrl(DEFAULT_PG, o.db);
  const fresh = o.reseed || !(await databaseExists(DEFAULT_PG, o.db));
  if (fresh) {
    if (await databaseExists(DEFAULT_PG, o.db)) await dropDatabase(DEFAULT_PG, o.db);
    await createDatabase(DEFAULT_PG, o.db);
  }
  engineSetup(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  const machine = await machineInfo(client);
  const workspaceId = (await client.query('SELECT id FROM workspaces ORDER BY created_at LIMIT 1')).rows[0].id;
  const executor = { query: async (sql, params) => (await client.query(sql, params)).rows };
  const { seedDemoData } = engineRequire('./dist/reports/demo-data.js');
  let seedMs = null;
  let rebuildMs = null;
  let rebuildLoad = null;
  if (fresh) {
    if (o.scale) {
      log(`seeding ${o.executions} sessions, ${o.messages} messages over ${o.days} days, set-based (triggers off), load ${load()}…`);
      seedMs = (await seedAtScale(client, { ...o, engineRequire }, log)).ms;
    } else {
      log(`seeding ${o.days} days × ${o['sessions-per-day']} sessions (triggers off)…`);
      await client.query('SET session_replication_role = replica');
      const started = Date.now();
      let last = 0;
      await seedDemoData(executor, workspaceId, {
        days: o.days,
        sessionsPerDay: o['sessions-per-day'],
        now: new Date(),
        seed: 7,
        progress: ({ messages }) => {
          if (messages - last >= 100_000) {
            last = messages;
            log(`  ${messages} messages…`);
          }
        },
      });
      seedMs = Date.now() - started;
      await client.query('SET session_replication_role = origin');
      await client.query('ANALYZE');
    }
    log(`full rebuild (cli.js reports:rebuild), load ${load()}…`);
    rebuildLoad = load();
    rebuildMs = cli(['reports:rebuild'], url).ms;
    log(`  rebuilt in ${fmt(rebuildMs / 1000, 1)} s, load ${load()}`);
  }
  const counts = (
    await client.query(
      `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM executions)::int AS executions,
              (SELECT count(*) FROM report_hours)::int AS hour_rows, (SELECT count(*) FROM report_service_events)::int AS service_rows,
              (SELECT count(*) FROM report_word_hours)::int AS word_rows, (SELECT count(*) FROM report_service_hist)::int AS hist_rows,
              (SELECT count(*) FROM report_discount_facts)::int AS discount_rows, (SELECT count(*) FROM report_discount_days)::int AS discount_day_rows,
              (SELECT min(occurred_at) FROM messages) AS first, (SELECT max(occurred_at) FROM messages) AS last`,
    )
  ).rows[0];
  if (o['seed-only']) {
    // Seed (and its rebuild) outside the bench lock; the timed parts run later without --reseed.
    log(
      `seeded: ${counts.messages} messages, ${counts.executions} executions; seed ${fmt((seedMs ?? 0) / 1000, 1)} s, rebuild ${fmt((rebuildMs ?? 0) / 1000, 1)} s`,
    );
    await client.end();
    return;
  }
  log(`data: ${counts.messages} messages, ${counts.executions} executions, ${counts.first.toISOString()} … ${counts.last.toISOString()}`);
  log(
    `rollups: ${counts.hour_rows} hourly rows, ${counts.service_rows} service events, ${counts.hist_rows} service histogram rows, ${counts.word_rows} word-hours, ${counts.discount_rows} discount requests in ${counts.discount_day_rows} discount day rows`,
  );

  // Report latency: random 90-day ranges inside the data (clamped), with and without a filter.
  const port = o.port || (await freePort());
  // --role=api: no rollup worker in the engine (e.g. latency while a stopped rebuild waits, which a worker would continue).
  if (o.role !== 'all' && o.sustain > 0) throw new Error('--sustain needs the rollup worker: --role=all');
  // A role other than all needs Redis (BENCH_REDIS_URL: a bench session's own database).
  const redis = o.role === 'all' ? {} : { REDIS_URL: DEFAULT_REDIS };
  const engine = startEngine('engine', engineEnv(url, null, { PORT: String(port), ENGINE_ROLE: o.role, ...redis }));
  const base = `http://127.0.0.1:${port}`;
  await waitUntilReady(base, engine);
  const api = await apiLogin(base);
  const flows = (await client.query('SELECT id FROM flows')).rows.map((r) => r.id);
  const numberId = (await client.query('SELECT id FROM whatsapp_numbers LIMIT 1')).rows[0].id;
  // Agents who replied and contacts' tags, the most used first: the filters the issue names besides flow and number.
  const agents = (
    await client.query(
      `SELECT sent_by_user_id AS id FROM messages WHERE sent_by_user_id IS NOT NULL AND occurred_at > now() - interval '3 days'
        GROUP BY 1 ORDER BY count(*) DESC LIMIT 5`,
    )
  ).rows.map((r) => r.id);
  const tags = (await client.query('SELECT tag FROM contact_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 5')).rows.map((r) => r.tag);
  const span = counts.last.getTime() - counts.first.getTime();
  const DAY = 86_400_000;
  // The filters each report takes (words and cost refuse tag=: not kept per tag; flowId only where the report reads it).
  const filtersOf = {
    service: ['none', 'number', 'agent', 'tag'],
    traffic: ['none', 'flow', 'number', 'tag'],
    words: ['none', 'number'],
    messaging: ['none', 'flow', 'number', 'tag'],
    funnel: ['none', 'flow', 'number', 'tag'],
    cost: ['none', 'flow', 'number'],
    discount: ['none', 'number', 'tag'],
    daily: ['none', 'flow', 'number', 'tag'],
  };
  const only = o.reports === '' ? null : new Set(o.reports.split(','));
  const rows = [];
  const all = new Map();
  for (const [report, filters] of Object.entries(filtersOf)) {
    if (only && !only.has(report)) continue;
    for (const filter of filters) {
      if ((filter === 'agent' && agents.length === 0) || (filter === 'tag' && tags.length === 0)) {
        rows.push([report, filter, '0', '–', '–', '–', `no ${filter} in the data`]);
        continue;
      }
      const times = [];
      for (let i = 0; i < o.samples; i += 1) {
        const from = counts.first.getTime() + Math.floor(Math.random() * Math.max(1, span - 90 * DAY));
        const query = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(from + 90 * DAY).toISOString() });
        if (filter === 'flow') query.set('flowId', flows[i % flows.length]);
        if (filter === 'number') query.set('numberId', numberId);
        if (filter === 'agent') query.set('agentId', agents[i % agents.length]);
        if (filter === 'tag') query.set('tag', tags[i % tags.length]);
        const started = performance.now();
        const response = await api.get(`/api/reports/${report}?${query}`);
        times.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${report} ${query}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      all.set(report, [...(all.get(report) ?? []), ...times]);
      const s = summary(times);
      rows.push([report, filter, String(o.samples), fmt(s.p50, 1), fmt(s.p99, 1), fmt(s.max, 1), load()]);
    }
    const s = summary(all.get(report) ?? []);
    rows.push([`**${report}**`, 'all', String(s.count), fmt(s.p50, 1), fmt(s.p99, 1), fmt(s.max, 1), load()]);
  }
  log(`latency done, load ${load()}`);
  if (o['latency-only']) {
    // Latency alone: no catch-up (which would first continue a stopped rebuild), no ingest.
    await engine.stop();
    await client.end();
    console.log(`\n${describeMachine(machine)}`);
    console.log(table(['report', 'filter', 'samples', 'p50', 'p99', 'max', 'load after'], rows));
    return;
  }

  const contacts = (
    await client.query(
      `SELECT c.id, k.id AS conversation_id FROM contacts c JOIN conversations k ON k.contact_id = c.id
        WHERE NOT $2 OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = c.id AND m.occurred_at > now() - interval '3 hours')
        LIMIT $1`,
      [o['ingest-contacts'], o['ingest-fresh']],
    )
  ).rows;
  const stamp = Date.now();
  /** Inserts `size` customer messages now (one statement), spread over the --ingest-contacts contacts from `offset`. */
  const insertMessages = async (tag, offset, size) => {
    const picks = Array.from({ length: size }, (_, i) => contacts[(offset + i) % contacts.length]);
    await client.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, conversation_id, direction, wamid, type, text, payload, occurred_at)
       SELECT $1, c, $2, k, 'inbound', w, 'text', 'Quanto costa il divano? sconto', '{}', now() FROM unnest($3::uuid[], $4::uuid[], $5::text[]) AS t(c, k, w)`,
      [
        workspaceId,
        numberId,
        picks.map((p) => p.id),
        picks.map((p) => p.conversation_id),
        picks.map((_, i) => `wamid.bench.${stamp}.${tag}.${offset + i}`),
      ],
    );
  };

  // Sustained ingest: --rate customer messages per second for --sustain seconds, while the engine's own rollup worker
  // (every 2 s, as in production) folds them in; the backlog of report_changes is sampled every 5 s, then drained.
  const sustained = [];
  let sustainSummary = null;
  if (o.sustain > 0) {
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((o.rate * tickMs) / 1000));
    const backlog = async () => (await client.query('SELECT count(*)::int AS n FROM report_changes')).rows[0].n;
    const started = Date.now();
    let inserted = 0;
    let nextSample = started + 5000;
    let maxBacklog = 0;
    log(`sustained ingest: ${o.rate} msg/s for ${o.sustain} s, load ${load()}…`);
    for (let tick = 0; Date.now() - started < o.sustain * 1000; tick += 1) {
      const due = started + tick * tickMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      await insertMessages('sustain', inserted, perTick);
      inserted += perTick;
      if (Date.now() >= nextSample) {
        nextSample += 5000;
        const n = await backlog();
        maxBacklog = Math.max(maxBacklog, n);
        sustained.push([fmt((Date.now() - started) / 1000, 0), String(inserted), String(n), load()]);
      }
    }
    const ingestMs = Date.now() - started;
    const atEnd = await backlog();
    let drainMs = 0;
    for (let n = atEnd; n > 0 && drainMs < 600_000; n = await backlog()) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      drainMs = Date.now() - started - ingestMs;
    }
    sustainSummary = { inserted, ingestMs, atEnd, maxBacklog, drainMs, load: load() };
  }
  await engine.stop();

  // Rollup catch-up: insert messages now with the triggers on, then time the job that folds them in.
  // Each step inserts --ingest messages into the current hour, then times one catch-up: with --steps > 1 the hour keeps
  // filling, as under a steady stream, which is where recomputing whole hours slowed down.
  cli(['reports:catch-up'], url); // anything still queued (e.g. a rebuild a migration asked for) is not part of the timing
  const steps = [];
  for (let step = 0; step < o.steps; step += 1) {
    const insertStarted = Date.now();
    for (let done = 0; done < o.ingest; done += 1000) await insertMessages(`step${step}`, done, Math.min(1000, o.ingest - done));
    const insertMs = Date.now() - insertStarted;
    const hourSize = (await client.query(`SELECT count(*)::int AS n FROM messages WHERE occurred_at >= date_trunc('hour', now(), 'UTC')`))
      .rows[0].n;
    const catchUp = JSON.parse(cli(['reports:catch-up'], url).out.split('\n').at(-1));
    steps.push([
      String(step + 1),
      String(hourSize),
      fmt((o.ingest / insertMs) * 1000),
      String(catchUp.changes),
      fmt(catchUp.ms / 1000, 2),
      fmt((o.ingest / catchUp.ms) * 1000),
      load(),
    ]);
  }
  // Insert cost of the report trigger: the same inserts with the statement trigger (as migrated), the former row
  // trigger (parley_report_message_changed, put back for the measure only) and no trigger, back to back;
  // --trigger-statement rows per INSERT (1 = the engine's one message per statement).
  const triggerRows = [];
  if (o['trigger-rounds'] > 0)
    await client.query(
      `CREATE TRIGGER bench_messages_report_row AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
       ALTER TABLE messages DISABLE TRIGGER bench_messages_report_row`,
    );
  const perStatement = Math.max(1, o['trigger-statement']);
  for (let round = 0; round < o['trigger-rounds']; round += 1) {
    for (const mode of ['statement', 'row', 'off']) {
      if (mode !== 'statement') await client.query('ALTER TABLE messages DISABLE TRIGGER messages_report_insert');
      if (mode === 'row') await client.query('ALTER TABLE messages ENABLE TRIGGER bench_messages_report_row');
      const started = Date.now();
      for (let done = 0; done < o['trigger-batch']; done += perStatement)
        await insertMessages(`trigger${round}${mode}`, done, Math.min(perStatement, o['trigger-batch'] - done));
      const ms = Date.now() - started;
      if (mode === 'row') await client.query('ALTER TABLE messages DISABLE TRIGGER bench_messages_report_row');
      if (mode !== 'statement') await client.query('ALTER TABLE messages ENABLE TRIGGER messages_report_insert');
      triggerRows.push([
        String(round + 1),
        mode,
        String(o['trigger-batch']),
        String(perStatement),
        fmt(ms / 1000, 2),
        fmt((o['trigger-batch'] / ms) * 1000),
        load(),
      ]);
    }
  }
  if (o['trigger-rounds'] > 0) await client.query('DROP TRIGGER bench_messages_report_row ON messages');
  // The messages inserted with the trigger off are not in the rollups: a rebuild would be needed to use the data again.
  if (triggerRows.length > 0) cli(['reports:catch-up'], url);
  await client.end();
  if (o.drop) await dropDatabase(DEFAULT_PG, o.db);

  console.log(`\n${describeMachine(machine)}`);
  console.log(
    `data: ${counts.messages} messages, ${counts.executions} executions over ${Math.round(span / DAY)} days; rollup rows: ${counts.hour_rows} hourly, ${counts.service_rows} service events, ${counts.hist_rows} service histogram rows, ${counts.word_rows} word-hours, ${counts.discount_rows} discount requests, ${counts.discount_day_rows} discount day rows`,
  );
  if (seedMs !== null)
    console.log(`seed ${fmt(seedMs / 1000, 1)} s; full rebuild ${fmt(rebuildMs / 1000, 1)} s (load ${rebuildLoad} at its start)`);
  console.log(
    `\nReport latency over random 90-day ranges, --samples per report and filter (flows ${flows.length}, agents ${agents.length}, tags ${tags.join(', ') || 'none'}), ms:`,
  );
  console.log(table(['report', 'filter', 'samples', 'p50', 'p99', 'max', 'load after'], rows));
  if (sustainSummary) {
    console.log(
      `\nSustained ingest at ${o.rate} msg/s from ${contacts.length} customers (round robin) with the engine's rollup worker running (backlog = rows in report_changes):`,
    );
    console.log(table(['s', 'inserted', 'backlog', 'load'], sustained));
    console.log(
      `inserted ${sustainSummary.inserted} in ${fmt(sustainSummary.ingestMs / 1000, 1)} s (${fmt((sustainSummary.inserted / sustainSummary.ingestMs) * 1000)} msg/s); ` +
        `backlog max ${sustainSummary.maxBacklog}, at the end ${sustainSummary.atEnd}, drained ${fmt(sustainSummary.drainMs / 1000, 1)} s later (load ${sustainSummary.load})`,
    );
  }
  console.log(
    `\nRollup catch-up: each step inserts ${o.ingest} customer messages into the current hour (triggers on), then times the job folding them in:`,
  );
  console.log(table(['step', 'messages in the hour', 'insert msg/s', 'changes', 'catch-up s', 'catch-up msg/s', 'load'], steps));
  if (triggerRows.length > 0) {
    console.log('\nInsert cost of the report trigger (statement trigger, former row trigger, none; back to back):');
    console.log(table(['round', 'trigger', 'messages', 'rows per INSERT', 's', 'msg/s', 'load'], triggerRows));
  }
});
