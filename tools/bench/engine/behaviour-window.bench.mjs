#!/usr/bin/env node
// Cost of flow 1's behaviour-window condition on the database seed.mjs made
// (default 10M events): `events_count({intent: 'price'}, '7d') >= 3 and not
// has_tag('coupon-high-intent')`, evaluated exactly as the engine does it.
//
// The engine's own services do the work: the script builds the engine's Nest
// application from its build (createEngineApp from apps/engine/dist with
// loadEngineConfig, ENGINE_ROLE=all, never started: no HTTP, no timers, no
// dispatch) and calls ConditionEngineService.evaluate(rule, data, scope) with
// what StepServicesFactory gives it when flow 1's condition step runs: the
// contact as loadRuntimeContact returns it (tags included) in the data, and a
// behaviour scope with the workspace's intent matcher from
// WorkspaceSettingsService. The rule object is flow 1's, taken from the
// template and reused, so it is compiled once as in the engine.
//
// Contacts are drawn at random (reproducibly, --seed) from the seed's classes:
// hot (2 price questions in 7 days), ordinary, heavy (10x the history); the
// contacts are loaded first, then --samples evaluations run one after another
// (--concurrency in parallel), each timed with process.hrtime.bigint().
//
// The database is first reset to its seeded state (as flow1-throughput does;
// --no-reset skips it). Correctness: every result must equal (count >= 3 and not tagged); for the
// first 200 samples the 7-day price count is recomputed independently (SQL
// rows + the engine's intent matcher) and must match. Any failure exits 1.
// Finally the SQL the condition ran for one heavy and one hot contact is
// captured (by wrapping the DataSource's query method for that one call) and
// shown with EXPLAIN (ANALYZE, BUFFERS).
//
// Usage: node tools/bench/engine/behaviour-window.bench.mjs [--samples=5000]
//          [--warmup=300] [--mix=hot:1,ordinary:1,heavy:1] [--concurrency=1] [--db=parley_bench] [--json]

import { randomBytes } from 'node:crypto';
import {
  BENCH,
  connect,
  databaseUrl,
  DEFAULT_PG,
  describeMachine,
  engineEntry,
  engineIntentMatcher,
  engineRequire,
  flowTemplatesLibrary,
  fmt,
  log,
  machineInfo,
  onCleanup,
  parseOptions,
  readMeta,
  require2,
  resetToSeed,
  rootRequire,
  run,
  seedContact,
  summary,
  table,
  checkDatabaseName,
} from './bench-lib.mjs';

const USAGE = `
node tools/bench/engine/behaviour-window.bench.mjs [options]
  --samples=5000                  measured evaluations
  --warmup=300                    evaluations before measuring (not counted)
  --mix=hot:1,ordinary:1,heavy:1  weights of the contact classes drawn
  --concurrency=1                 evaluations in flight at once
  --pool=10                       DATABASE_POOL_SIZE of the engine's data source
  --seed=1                        random seed for drawing contacts
  --no-reset                      do not reset the database to its seeded state first
  --db=parley_bench               database seeded by seed.mjs
  --pg=URL                        PostgreSQL server, default ${DEFAULT_PG}
  --json                          print the result as JSON
`;

const o = parseOptions(
  {
    samples: 5000,
    warmup: 300,
    mix: 'hot:1,ordinary:1,heavy:1',
    concurrency: 1,
    pool: 10,
    seed: 1,
    reset: true,
    db: 'parley_bench',
    pg: DEFAULT_PG,
    json: false,
  },
  USAGE,
);
checkDatabaseName(o.db);
require2(Number.isInteger(o.samples) && o.samples >= 1 && Number.isInteger(o.warmup) && o.warmup >= 0, '--samples >= 1, --warmup >= 0');
require2(Number.isInteger(o.concurrency) && o.concurrency >= 1 && o.concurrency <= o.pool, '--concurrency must be 1..--pool');
const MIX = Object.fromEntries(
  o.mix.split(',').map((part) => {
    const [name, weight] = part.split(':');
    require2(['hot', 'ordinary', 'heavy'].includes(name) && Number(weight) >= 0, `--mix: bad part "${part}"`);
    return [name, Number(weight)];
  }),
);
require2(
  Object.values(MIX).some((w) => w > 0),
  '--mix needs a positive weight',
);

const COUPON_TAG = 'coupon-high-intent';
const CHECKED = 200;

/** mulberry32: a small reproducible PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

run(async () => {
  const meta = await readMeta(o.pg, o.db);
  require2(meta !== null, `${o.db} is not a seeded benchmark database: run node tools/bench/engine/seed.mjs --db=${o.db} first`);
  const { contacts, hot, heavy } = meta.params;
  const ranges = { hot: [1, hot], heavy: [hot + 1, hot + heavy], ordinary: [hot + heavy + 1, contacts] };
  for (const [name, [lo, hi]] of Object.entries(ranges))
    if (hi < lo && MIX[name] > 0) require2(false, `${o.db} has no ${name} contacts; change --mix`);

  const url = databaseUrl(o.pg, o.db);
  const client = await connect(url);
  onCleanup(() => client.end());
  const machine = await machineInfo(client);
  // The seed's state: a throughput run leaves its hot contacts with a third price question and the coupon tag.
  if (o.reset) await resetToSeed(client, meta);

  // The engine's application, from its build; never started (no listen, no init: no timers or dispatch).
  engineRequire('reflect-metadata');
  const { loadEngineConfig } = rootRequire(engineEntry('config/engine-config.js'));
  const { createEngineApp } = rootRequire(engineEntry('create-engine-app.js'));
  const { ConditionEngineService } = rootRequire(engineEntry('logic/condition-engine.service.js'));
  const { WorkspaceSettingsService } = rootRequire(engineEntry('workspaces/workspace-settings.service.js'));
  const { loadRuntimeContact, contactData } = rootRequire(engineEntry('contacts/runtime-contact-row.js'));
  const { DataSource } = engineRequire('typeorm');
  const config = loadEngineConfig({
    ENGINE_ROLE: 'all',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: String(o.pool),
    SECRETS_KEY: BENCH.secretsKey,
    LOG_LEVEL: 'silent',
  });
  const bootStarted = Date.now();
  const app = await createEngineApp(config);
  onCleanup(() => app.close());
  log(`engine application built in ${((Date.now() - bootStarted) / 1000).toFixed(1)} s`);
  const conditions = app.get(ConditionEngineService, { strict: false });
  const workspaces = app.get(WorkspaceSettingsService, { strict: false });
  const dataSource = app.get(DataSource, { strict: false });

  const template = flowTemplatesLibrary().flowTemplate('high-intent');
  const rule = template.document.nodes.find((n) => n.id === 'three-times')?.config.rule;
  if (!rule) throw new Error('flow 1 has no condition node "three-times"');
  const countLabel = `events_count(${JSON.stringify({ intent: 'price' })}, "7d")`;

  // What flow 1's condition step is given (StepServicesFactory.create), for one contact.
  const evaluation = async (contact) => {
    const now = new Date();
    const settings = await workspaces.get(meta.workspaceId);
    const data = {
      contact: contactData(contact),
      event: {
        type: 'message.received',
        occurred_at: now.toISOString(),
        wamid: `wamid.bench${randomBytes(8).toString('hex')}`,
        phoneNumberId: BENCH.phoneNumberId,
        messageType: 'text',
        text: 'quanto costa?',
        replyId: null,
        replyKind: null,
        location: null,
      },
      vars: {},
      steps: {},
      now: now.toISOString(),
    };
    const scope = { contactId: contact.id, now, intents: settings.intents, sentiment: settings.sentiment };
    return conditions.evaluate(rule, data, scope);
  };

  // Draw contacts, load them as the runner does (timed separately).
  const random = prng(o.seed);
  const classes = Object.entries(MIX).filter(([, w]) => w > 0);
  const totalWeight = classes.reduce((s, [, w]) => s + w, 0);
  const draw = () => {
    let r = random() * totalWeight;
    let name = classes[0][0];
    for (const [n, w] of classes) {
      if (r < w) {
        name = n;
        break;
      }
      r -= w;
    }
    const [lo, hi] = ranges[name];
    return { kind: name, index: lo + Math.floor(random() * (hi - lo + 1)) };
  };
  const picks = Array.from({ length: o.warmup + o.samples }, draw);
  const loadMs = [];
  for (const pick of picks) {
    const started = process.hrtime.bigint();
    pick.contact = await loadRuntimeContact(dataSource, meta.workspaceId, seedContact.id(pick.index));
    loadMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!pick.contact) throw new Error(`contact ${pick.index} is missing`);
  }
  log(`loaded ${picks.length} contacts; warm-up ${o.warmup}, then ${o.samples} evaluations (concurrency ${o.concurrency})`);

  const runAll = async (list) => {
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        for (let k = next++; k < list.length; k = next++) {
          const pick = list[k];
          const t0 = process.hrtime.bigint();
          const { result, values } = await evaluation(pick.contact);
          pick.ms = Number(process.hrtime.bigint() - t0) / 1e6;
          pick.result = result;
          pick.count = values[countLabel];
        }
      }),
    );
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  await runAll(picks.slice(0, o.warmup));
  const measured = picks.slice(o.warmup);
  const wallSeconds = await runAll(measured);

  // Correctness.
  const problems = [];
  for (const pick of measured) {
    if (typeof pick.count !== 'number') problems.push(`contact ${pick.index}: no ${countLabel} value`);
    const expected = pick.count >= 3 && !pick.contact.tags.includes(COUPON_TAG);
    if (pick.result !== expected)
      problems.push(`contact ${pick.index}: result ${pick.result}, count ${pick.count}, tags ${pick.contact.tags.join(',')}`);
    if (pick.kind === 'hot' && pick.count < 2) problems.push(`hot contact ${pick.index} has ${pick.count} price messages in 7 days`);
  }
  const isPrice = engineIntentMatcher();
  for (const pick of measured.slice(0, CHECKED)) {
    const rows = (
      await client.query(
        `SELECT payload->>'text' AS text FROM events WHERE contact_id = $1 AND type = 'message.received' AND occurred_at <= now() AND occurred_at > now() - interval '7 days'`,
        [pick.contact.id],
      )
    ).rows;
    const independent = rows.filter((r) => isPrice(r.text ?? '')).length;
    if (independent !== pick.count)
      problems.push(`contact ${pick.index}: engine counted ${pick.count} price messages in 7 days, SQL + matcher ${independent}`);
  }

  // The SQL of one evaluation, captured, then EXPLAIN (ANALYZE, BUFFERS) for a heavy and a hot contact.
  const explains = [];
  for (const kind of ['heavy', 'hot']) {
    const pick = measured.find((p) => p.kind === kind) ?? picks.find((p) => p.kind === kind);
    if (!pick) continue;
    const captured = [];
    const original = dataSource.query;
    dataSource.query = function (sql, parameters, runner) {
      captured.push({ sql, parameters });
      return original.call(this, sql, parameters, runner);
    };
    try {
      await evaluation(pick.contact);
    } finally {
      dataSource.query = original;
    }
    for (const q of captured) {
      const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.parameters)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const window = (
        await client.query(
          `SELECT count(*)::int AS n FROM events WHERE contact_id = $1 AND type = 'message.received' AND occurred_at > now() - interval '7 days'`,
          [pick.contact.id],
        )
      ).rows[0].n;
      explains.push({
        kind,
        contact: pick.index,
        messagesIn7Days: window,
        sql: q.sql.replace(/\s+/g, ' ').trim(),
        parameters: q.parameters,
        usesIndex: /events_contact_type_time_idx/.test(plan),
        plan,
      });
    }
  }
  if (explains.length > 0 && !explains.every((e) => e.usesIndex))
    log('warning: a behaviour query did not use events_contact_type_time_idx (see the plans)');

  const byKind = {};
  for (const kind of ['hot', 'ordinary', 'heavy']) {
    const list = measured.filter((p) => p.kind === kind);
    if (list.length === 0) continue;
    byKind[kind] = {
      ...summary(list.map((p) => p.ms)),
      meanPriceCount: list.reduce((s, p) => s + (p.count ?? 0), 0) / list.length,
      trueResults: list.filter((p) => p.result).length,
    };
  }
  const result = {
    benchmark: 'behaviour-window',
    machine,
    params: {
      db: o.db,
      seed: meta.params,
      samples: o.samples,
      warmup: o.warmup,
      mix: MIX,
      concurrency: o.concurrency,
      poolSize: o.pool,
      randomSeed: o.seed,
    },
    rule,
    evaluationMs: { all: summary(measured.map((p) => p.ms)), ...byKind },
    evaluationsPerSecond: measured.length / wallSeconds,
    wallSeconds,
    contactLoadMs: summary(loadMs),
    explains,
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

function print(result) {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const p = result.params;
  const row = (name, s) => [
    name,
    fmt(s.count),
    fmt(s.p50, 2),
    fmt(s.p90, 2),
    fmt(s.p99, 2),
    fmt(s.max, 2),
    fmt(s.mean, 2),
    s.meanPriceCount === undefined ? '' : fmt(s.meanPriceCount, 2),
    s.trueResults === undefined ? '' : fmt(s.trueResults),
  ];
  const lines = [
    `# Behaviour-window condition of flow 1 on ${p.db} (${fmt(p.seed.events)} events, ${fmt(p.seed.contacts)} contacts)`,
    '',
    describeMachine(result.machine),
    '',
    `Rule: ${JSON.stringify(result.rule)}`,
    `ConditionEngineService.evaluate from the engine's build; ${fmt(p.samples)} evaluations after ${fmt(p.warmup)} warm-up, concurrency ${p.concurrency}, mix ${JSON.stringify(p.mix)}, seed ${p.randomSeed}.`,
    '',
    table(
      ['contacts', 'evaluations', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', 'mean price msgs in 7 d', 'true'],
      [
        row('all', result.evaluationMs.all),
        ...['hot', 'ordinary', 'heavy'].filter((k) => result.evaluationMs[k]).map((k) => row(k, result.evaluationMs[k])),
      ],
    ),
    '',
    `Evaluations/s: ${fmt(result.evaluationsPerSecond, 0)} (${fmt(p.samples)} in ${fmt(result.wallSeconds, 2)} s, concurrency ${p.concurrency}).`,
    `Loading the contact first (loadRuntimeContact, as the runner does before each step): p50 ${fmt(result.contactLoadMs.p50, 2)} ms, p99 ${fmt(result.contactLoadMs.p99, 2)} ms.`,
    '',
  ];
  for (const e of result.explains) {
    lines.push(
      `## EXPLAIN (ANALYZE, BUFFERS): ${e.kind} contact ${e.contact} (${e.messagesIn7Days} messages in 7 days)`,
      '',
      '```sql',
      e.sql,
      `-- parameters: ${JSON.stringify(e.parameters)}`,
      '```',
      '',
      '```',
      e.plan,
      '```',
      '',
    );
  }
  lines.push(
    result.problems.length === 0
      ? `Checks passed: every result equals (count >= 3 and not tagged); ${Math.min(CHECKED, p.samples)} counts match an independent SQL + intent-matcher count.`
      : `CHECKS FAILED: ${result.problems.length} problem(s).`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
