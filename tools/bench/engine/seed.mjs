#!/usr/bin/env node
// Seeds a benchmark database for the engine benchmarks: contacts with WhatsApp
// ids and millions of stored, already-processed events over the last 90 days,
// plus a "hot" set of contacts that asked about the price exactly twice in the
// last 7 days (so one more price message starts flow 1's coupon).
//
// The schema is the engine's own: the database is migrated and set up by the
// engine's CLI (`apps/engine/dist/cli.js setup`: admin and WhatsApp number).
// Rows are then written with set-based SQL (INSERT ... SELECT generate_series),
// in chunks on --jobs connections. Around the bulk insert into `events` its
// secondary indexes and its unique constraint are dropped and then recreated
// from their exact definitions (pg_get_indexdef / pg_get_constraintdef); and
// the bulk insert runs with session_replication_role = replica, which skips
// the per-row foreign-key triggers; referential integrity is then checked
// with one anti-join query per foreign key (the script fails if any row has
// no parent). Tables, columns, indexes and constraints end exactly as the
// engine's migrations create them.
//
// What was seeded is recorded as JSON in the database comment
// (COMMENT ON DATABASE): a second run with the same parameters reuses the
// database; other parameters need --force (drops and seeds again).
//
// Event mix (of the --events total): one contact.created per contact; 5 recent
// messages per hot contact (2 asking the price); the rest drawn at random:
// 62 % message.received (10 % of them asking the price in one of 7 languages),
// 30 % message.status, 4 % order.created, 4 % link.clicked, at uniformly random
// times over --days days (hot contacts' random events are older than 8 days).
// 10 % of the random events go to the --heavy contacts (1 % of contacts by
// default), who therefore have about 10x the average history.
//
// Not seeded (no benchmark reads them): messages rows for the stored
// message events, orders rows for order events.
//
// Usage: node tools/bench/engine/seed.mjs [--db=parley_bench] [--contacts=100000]
//          [--events=10000000] [--hot=20000] [--heavy=1000] [--days=90] [--jobs=2]
//          [--chunk=250000] [--force] [--pg=postgres://postgres@127.0.0.1:5432/postgres] [--json]

import {
  BENCH,
  connect,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  describeMachine,
  dropDatabase,
  engineIntentMatcher,
  engineSetup,
  fmt,
  log,
  machineInfo,
  parseOptions,
  readMeta,
  require2,
  run,
  seedContact,
  sizeTable,
  table,
  tableSizes,
  writeMeta,
  checkDatabaseName,
  onCleanup,
  HOT_WAMID_PREFIX,
  OTHER_TEXTS,
  PRICE_TEXTS,
} from './bench-lib.mjs';

const USAGE = `
node tools/bench/engine/seed.mjs [options]
  --db=parley_bench        database to create (must start with parley_bench)
  --contacts=100000        contacts (WhatsApp ids 39300000000001...)
  --events=10000000        stored events in total (all processed)
  --hot=20000              contacts 1..hot: exactly 2 price messages in the last 7 days, no coupon tag
  --heavy=<1% of contacts> contacts hot+1..hot+heavy get 10 % of the random events
  --days=90                history length
  --jobs=2                 parallel connections for the bulk insert
  --chunk=250000           events per INSERT statement
  --force                  drop and seed again (needed when it was seeded with other parameters)
  --pg=URL                 PostgreSQL server (any database on it), default ${DEFAULT_PG}
  --json                   print the result as JSON
`;

/** Bump when the generated data changes, so an older seed is not reused. */
const SEED_VERSION = 1;

const PRICE_SHARE = 0.1;

const o = parseOptions(
  {
    db: 'parley_bench',
    contacts: 100_000,
    events: 10_000_000,
    hot: 20_000,
    heavy: -1,
    days: 90,
    jobs: 2,
    chunk: 250_000,
    force: false,
    pg: DEFAULT_PG,
    json: false,
  },
  USAGE,
);
if (o.heavy < 0) o.heavy = Math.max(1, Math.round(o.contacts / 100));
checkDatabaseName(o.db);
require2(Number.isInteger(o.contacts) && o.contacts >= 10, '--contacts must be an integer >= 10');
require2(
  Number.isInteger(o.hot) && o.hot >= 0 && Number.isInteger(o.heavy) && o.heavy >= 0 && o.hot + o.heavy <= o.contacts,
  '--hot + --heavy must not exceed --contacts',
);
require2(
  Number.isInteger(o.events) && o.events >= o.contacts + 5 * o.hot,
  `--events must be at least contacts + 5 x hot (${o.contacts + 5 * o.hot})`,
);
require2(o.days >= 9, '--days must be at least 9');
require2(Number.isInteger(o.jobs) && o.jobs >= 1 && o.jobs <= 16 && o.chunk >= 1000, '--jobs 1..16, --chunk >= 1000');

const PARAMS = { seedVersion: SEED_VERSION, contacts: o.contacts, events: o.events, hot: o.hot, heavy: o.heavy, days: o.days };
const sameParams = (meta) => Object.entries(PARAMS).every(([k, v]) => meta?.params?.[k] === v);

run(async () => {
  const admin = await connect(o.pg);
  onCleanup(() => admin.end());
  const machine = await machineInfo(admin);
  const url = databaseUrl(o.pg, o.db);

  // The texts must mean what the benchmarks assume, by the engine's own matcher.
  const isPrice = engineIntentMatcher();
  const wrong = [...PRICE_TEXTS.filter((t) => !isPrice(t)), ...OTHER_TEXTS.filter((t) => isPrice(t))];
  if (wrong.length > 0) throw new Error(`the engine's price intent disagrees with the seed texts: ${wrong.join(' | ')}`);

  const existing = await readMeta(o.pg, o.db);
  if (existing && sameParams(existing) && !o.force) {
    const client = await connect(url);
    onCleanup(() => client.end());
    const sizes = await tableSizes(client, ['events', 'contacts', 'contact_tags']);
    report({ reused: true, meta: existing, sizes, phases: [], machine });
    return 0;
  }
  if (await databaseExists(o.pg, o.db)) {
    if (existing && !o.force) {
      process.stderr.write(
        `${o.db} was seeded with ${JSON.stringify(existing.params)}, not ${JSON.stringify(PARAMS)}.\nRun with --force to drop it and seed again, or pick another --db.\n`,
      );
      return 2;
    }
    log(`dropping ${o.db} (${existing ? 'other parameters, --force' : 'not completely seeded'})`);
    await dropDatabase(o.pg, o.db);
  }

  const phases = [];
  const started = Date.now();
  let last = started;
  const phase = (name, detail = '') => {
    const now = Date.now();
    phases.push({ phase: name, seconds: (now - last) / 1000, detail });
    log(`${name}: ${((now - last) / 1000).toFixed(1)} s ${detail}`);
    last = now;
  };

  await createDatabase(o.pg, o.db);
  const setup = engineSetup(url);
  phase('create database, engine setup (migrations, admin, number)', JSON.stringify(setup.applied ?? []));

  const client = await connect(url);
  onCleanup(() => client.end());
  const ids = (
    await client.query(`SELECT n.workspace_id, n.id AS number_id FROM whatsapp_numbers n WHERE n.phone_number_id = $1`, [
      BENCH.phoneNumberId,
    ])
  ).rows[0];
  if (!ids) throw new Error('the engine setup registered no WhatsApp number');
  const ws = ids.workspace_id;
  const seededAt = new Date();
  // Recent hot messages lie 1 to 3 days before this instant (see the benchmarks' staleness check).
  const hotAnchor = seededAt;

  const session = async (c) => {
    await c.query(`SET synchronous_commit = off`);
    await c.query(`SET session_replication_role = replica`);
    await c.query(`SET maintenance_work_mem = '1GB'`);
    await c.query(`SET max_parallel_maintenance_workers = 2`);
    await c.query(`SET work_mem = '64MB'`);
  };
  await session(client);

  // Contacts: ids are md5('parley-bench-contact:' || i)::uuid, so events can name them without a join.
  await client.query(
    `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, display_name, first_name, last_name, locale, whatsapp_number_id, last_inbound_at, created_at, updated_at)
     SELECT md5('parley-bench-contact:' || i)::uuid, $1, '39' || (3000000000 + i), '+39' || (3000000000 + i), 'Customer ' || i,
            (ARRAY['Giulia','Marco','Anna','Luca','Ola','Piotr','Maria','José','Emma','Lukas'])[1 + i % 10], 'Bench',
            (ARRAY['it','en','pl','es','de','fr'])[1 + i % 6], $2, $3::timestamptz - random() * interval '10 days',
            $3::timestamptz - make_interval(days => $5 + 10), $3::timestamptz - make_interval(days => $5 + 10)
       FROM generate_series(1, $4::int) AS i`,
    [ws, ids.number_id, seededAt, o.contacts, o.days],
  );
  // Some ordinary contacts already got the coupon (has_tag is true for them), plus everyday tags.
  await client.query(
    `INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
     SELECT $1, md5('parley-bench-contact:' || i)::uuid, t.tag, $2::timestamptz - interval '30 days'
       FROM generate_series($3::int + 1, $4::int) AS i,
            LATERAL (VALUES ('coupon-high-intent', i % 20 = 0), ('vip', i % 7 = 0), ('newsletter', i % 3 = 0)) AS t(tag, wanted)
      WHERE t.wanted`,
    [ws, seededAt, o.hot, o.contacts],
  );
  phase('contacts and tags', `${fmt(o.contacts)} contacts`);

  // Secondary indexes and the unique constraint of events, dropped now, recreated exactly later.
  const indexes = (
    await client.query(
      `SELECT ci.relname AS name, pg_get_indexdef(i.indexrelid) AS indexdef, con.conname, pg_get_constraintdef(con.oid) AS condef
         FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        WHERE i.indrelid = 'events'::regclass AND NOT i.indisprimary ORDER BY ci.relname`,
    )
  ).rows;
  for (const index of indexes) {
    await client.query(index.conname ? `ALTER TABLE events DROP CONSTRAINT ${index.conname}` : `DROP INDEX ${index.name}`);
  }
  phase('drop events secondary indexes', indexes.map((i) => i.name).join(', '));

  // Random history, in chunks on --jobs connections.
  const randomEvents = o.events - o.contacts - 5 * o.hot;
  const chunks = [];
  for (let lo = 1; lo <= randomEvents; lo += o.chunk) chunks.push([lo, Math.min(randomEvents, lo + o.chunk - 1)]);
  const insertChunk = `
    INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload, processed_at)
    SELECT $1::uuid, md5('parley-bench-contact:' || c)::uuid, type,
           CASE type WHEN 'message.received' THEN 'whatsapp' WHEN 'message.status' THEN 'whatsapp_status' ELSE 'crm' END,
           CASE type WHEN 'message.received' THEN wamid WHEN 'message.status' THEN wamid || ':' || status
                     WHEN 'order.created' THEN 'order.created:ORD-' || g ELSE 'link.clicked:CLK-' || g END,
           occ, occ + rec, 
           CASE type
             WHEN 'message.received' THEN jsonb_build_object('wamid', wamid, 'phoneNumberId', $7::text, 'messageType', 'text',
               'text', CASE WHEN rtext < $8 THEN ($9::text[])[1 + floor(rx * cardinality($9::text[]))::int]
                            ELSE ($10::text[])[1 + floor(rx * cardinality($10::text[]))::int] END,
               'replyId', NULL::text, 'replyKind', NULL::text, 'location', NULL::jsonb)
             WHEN 'message.status' THEN jsonb_build_object('wamid', wamid, 'status', status, 'errorCode', NULL::int, 'flowId', NULL::text, 'callbackKey', NULL::text)
             WHEN 'order.created' THEN jsonb_build_object('orderId', 'ORD-' || g, 'status', 'created', 'total', round((10 + rx * 190)::numeric, 2),
               'currency', 'EUR', 'trackingUrl', NULL::text, 'data', '{}'::jsonb)
             ELSE jsonb_build_object('reference', 'https://shop.example/p/' || (1 + floor(rx * 500)::int), 'data', '{}'::jsonb)
           END,
           occ + rec + interval '40 milliseconds'
      FROM (
        SELECT g, c, rtext, rx, rec,
               CASE WHEN rt < 0.62 THEN 'message.received' WHEN rt < 0.92 THEN 'message.status' WHEN rt < 0.96 THEN 'order.created' ELSE 'link.clicked' END AS type,
               (ARRAY['sent','delivered','read'])[1 + floor(rx * 3)::int] AS status,
               'wamid.HBgLMzkz' || md5('parley-bench-event:' || g) AS wamid,
               $4::timestamptz - CASE WHEN c <= $5 THEN interval '8 days' + rtime * make_interval(days => $6 - 8) ELSE rtime * make_interval(days => $6) END AS occ
          FROM (
            SELECT g,
                   CASE WHEN $12::int > 0 AND g % 10 = 0 THEN $5::int + 1 + ((g / 10) % $12::int)::int ELSE 1 + floor(random() * $11::int)::int END AS c,
                   random() AS rt, random() AS rtime, random() AS rtext, random() AS rx, random() * interval '2 seconds' AS rec
              FROM generate_series($2::bigint, $3::bigint) AS g
          ) AS drawn
      ) AS e`;
  const workers = await Promise.all(
    Array.from({ length: Math.min(o.jobs, chunks.length) }, async () => {
      const c = await connect(url);
      await session(c);
      return c;
    }),
  );
  onCleanup(() => Promise.all(workers.map((c) => c.end().catch(() => undefined))));
  let done = 0;
  const queue = [...chunks];
  await Promise.all(
    workers.map(async (c) => {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
        await c.query(insertChunk, [
          ws,
          chunk[0],
          chunk[1],
          seededAt,
          o.hot,
          o.days,
          BENCH.phoneNumberId,
          PRICE_SHARE,
          PRICE_TEXTS,
          OTHER_TEXTS,
          o.contacts,
          o.heavy,
        ]);
        done += chunk[1] - chunk[0] + 1;
        log(`  events ${fmt(done)} / ${fmt(randomEvents)}`);
      }
    }),
  );
  phase('random events', `${fmt(randomEvents)} rows, ${chunks.length} statements on ${workers.length} connections`);

  // One contact.created per contact, and the hot contacts' recent messages: 2 price questions, 3 other messages, 1 to 3 days ago.
  await client.query(
    `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload, processed_at)
     SELECT $1::uuid, id, 'contact.created', 'contact', id || ':created', created_at, created_at, '{"source": "whatsapp"}'::jsonb, created_at + interval '40 milliseconds'
       FROM contacts WHERE workspace_id = $1`,
    [ws],
  );
  await client.query(
    `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload, processed_at)
     SELECT $1::uuid, md5('parley-bench-contact:' || i)::uuid, 'message.received', 'whatsapp', wamid, occ, occ + interval '300 milliseconds',
            jsonb_build_object('wamid', wamid, 'phoneNumberId', $3::text, 'messageType', 'text',
              'text', CASE WHEN k <= 2 THEN ($4::text[])[1 + (i + k) % cardinality($4::text[])] ELSE ($5::text[])[1 + (i + k) % cardinality($5::text[])] END,
              'replyId', NULL::text, 'replyKind', NULL::text, 'location', NULL::jsonb),
            occ + interval '340 milliseconds'
       FROM (SELECT i, k, $7::text || md5('parley-bench-hot:' || i || ':' || k) AS wamid,
                    $2::timestamptz - interval '1 day' - random() * interval '2 days' AS occ
               FROM generate_series(1, $6::int) AS i, generate_series(1, 5) AS k) AS h`,
    [ws, hotAnchor, BENCH.phoneNumberId, PRICE_TEXTS, OTHER_TEXTS, o.hot, HOT_WAMID_PREFIX],
  );
  phase('contact.created and hot contacts\u2019 recent messages', `${fmt(o.contacts)} + ${fmt(5 * o.hot)} rows`);

  for (const index of indexes) {
    const started = Date.now();
    await client.query(index.conname ? `ALTER TABLE events ADD CONSTRAINT ${index.conname} ${index.condef}` : index.indexdef);
    log(`  ${index.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const after = (
    await client.query(`SELECT ci.relname AS name, pg_get_indexdef(i.indexrelid) AS indexdef FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
                         WHERE i.indrelid = 'events'::regclass AND NOT i.indisprimary ORDER BY ci.relname`)
  ).rows;
  if (JSON.stringify(after) !== JSON.stringify(indexes.map((i) => ({ name: i.name, indexdef: i.indexdef })))) {
    throw new Error(`the recreated events indexes differ from the engine's: ${JSON.stringify(after)}`);
  }
  phase('recreate events indexes (checked identical)', indexes.map((i) => i.name).join(', '));

  // The foreign keys the bulk insert did not check row by row, checked in bulk.
  const orphans = (
    await client.query(
      `SELECT (SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = e.contact_id))::int AS events_contact,
              (SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = e.workspace_id))::int AS events_workspace,
              (SELECT count(*) FROM contact_tags t WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = t.contact_id))::int AS tags_contact,
              (SELECT count(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM whatsapp_numbers n WHERE n.id = c.whatsapp_number_id))::int AS contacts_number`,
    )
  ).rows[0];
  if (Object.values(orphans).some((n) => n !== 0)) throw new Error(`rows without their parent: ${JSON.stringify(orphans)}`);
  phase('foreign-key check (anti-joins)', JSON.stringify(orphans));

  await client.query('SET session_replication_role = origin');
  await client.query('VACUUM (ANALYZE) contacts');
  await client.query('VACUUM (ANALYZE) contact_tags');
  await client.query('VACUUM (ANALYZE) events');
  phase('VACUUM (ANALYZE)');

  // Checks: totals, and every hot contact asks the price exactly twice in the last 7 days (by the engine's matcher).
  const byType = (await client.query(`SELECT type, count(*)::bigint AS n FROM events GROUP BY type ORDER BY type`)).rows.map((r) => ({
    type: r.type,
    n: Number(r.n),
  }));
  const total = byType.reduce((s, r) => s + r.n, 0);
  if (total !== o.events) throw new Error(`expected ${o.events} events, found ${total}`);
  const hotIds = Array.from({ length: o.hot }, (_, i) => seedContact.id(i + 1));
  const counts = new Map();
  for (let from = 0; from < hotIds.length; from += 5000) {
    const slice = hotIds.slice(from, from + 5000);
    const rows = (
      await client.query(
        `SELECT contact_id, payload->>'text' AS text FROM events WHERE contact_id = ANY($1::uuid[]) AND type = 'message.received' AND occurred_at > now() - interval '7 days'`,
        [slice],
      )
    ).rows;
    for (const row of rows) if (isPrice(row.text ?? '')) counts.set(row.contact_id, (counts.get(row.contact_id) ?? 0) + 1);
  }
  const badHot = hotIds.filter((id) => counts.get(id) !== 2).length;
  if (badHot > 0) throw new Error(`${badHot} hot contacts do not have exactly 2 price messages in the last 7 days`);
  const hotTagged = Number(
    (
      await client.query(`SELECT count(*) AS n FROM contact_tags WHERE tag = 'coupon-high-intent' AND contact_id = ANY($1::uuid[])`, [
        hotIds,
      ])
    ).rows[0].n,
  );
  if (hotTagged > 0) throw new Error(`${hotTagged} hot contacts carry the coupon tag`);
  const maxEventId = Number((await client.query('SELECT max(id) AS id FROM events')).rows[0].id);
  phase('checks', `${fmt(o.hot)} hot contacts with exactly 2 price messages in 7 days`);

  const meta = {
    params: PARAMS,
    seededAt: seededAt.toISOString(),
    hotAnchor: hotAnchor.toISOString(),
    workspaceId: ws,
    numberId: ids.number_id,
    maxEventId,
    seconds: (Date.now() - started) / 1000,
    eventsByType: byType,
  };
  await writeMeta(client, o.db, meta);
  const sizes = await tableSizes(client, ['events', 'contacts', 'contact_tags']);
  report({ reused: false, meta, sizes, phases, machine });
  return 0;
});

function report({ reused, meta, sizes, phases, machine }) {
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'seed', database: o.db, reused, machine, params: meta.params, meta, phases, sizes }, null, 2)}\n`,
    );
    return;
  }
  const lines = [
    `# Engine benchmark data: ${o.db}`,
    '',
    describeMachine(machine),
    '',
    `Parameters: ${JSON.stringify(meta.params)}`,
    reused
      ? `Reused: already seeded with these parameters at ${meta.seededAt} (took ${fmt(meta.seconds, 1)} s then).`
      : `Seeded in ${fmt(meta.seconds, 1)} s (${fmt(meta.seconds / 60, 1)} min).`,
    '',
  ];
  if (phases.length > 0)
    lines.push(
      table(
        ['phase', 'seconds', 'detail'],
        phases.map((p) => [p.phase, fmt(p.seconds, 1), p.detail]),
        [false, true, false],
      ),
      '',
    );
  lines.push(
    table(
      ['event type', 'rows'],
      (meta.eventsByType ?? []).map((r) => [r.type, fmt(r.n)]),
    ),
    '',
  );
  lines.push(sizeTable(sizes), '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
