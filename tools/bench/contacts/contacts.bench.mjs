// Contacts benchmark (issue 14, contacts workspace): the duplicate scan over
// N contacts (the issue's target is 1,000,000) and the p99 of the contacts
// list's first page (no filter, a name search, a number search, a tag filter,
// a consent filter), through the built engine's HTTP API.
//
// The seed: N customers; 18% of them also have a second contact (a second
// number with the same email: "about 18% write from several numbers"), 2% a
// contact with a typo in the name who bought the same SKU within 90 days;
// 30% of customers have an order of one of 2,000 SKUs over two years.
// The scan must find at least the seeded pairs; found / seeded is printed.
//
//   node tools/bench/contacts/contacts.bench.mjs [--contacts=1000000] [--samples=200] [--db=parley_bench_i14contacts] [--reseed] [--port=0] [--no-scan]

import http from 'node:http';
import {
  apiLogin,
  Client,
  describeMachine,
  engineEnv,
  fmt,
  freePort,
  log,
  machineInfo,
  parseOptions,
  run,
  startEngine,
  table,
  waitUntilReady,
} from '../engine/bench-lib.mjs';
import { adminToken, seededDatabase, timedGets } from '../lib/seeded-bench.mjs';

const USAGE =
  'node tools/bench/contacts/contacts.bench.mjs [--contacts=1000000] [--samples=200] [--db=parley_bench_i14contacts] [--reseed] [--port=0] [--no-scan]';
const o = parseOptions({ contacts: 1_000_000, samples: 200, db: 'parley_bench_i14contacts', reseed: false, port: 0, scan: true }, USAGE);

async function seed(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  const { rows } = await client.query('SELECT id FROM workspaces LIMIT 1');
  const workspace = rows[0].id;
  const n = o.contacts;
  const batch = 100_000;
  log(`seeding ${fmt(n)} customers`);
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await client.query(
      `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, first_name, last_name, display_name, email, list, marketing_consent,
                             fields, last_inbound_at, created_at, updated_at)
       SELECT md5('contacts-bench:' || i)::uuid, $1, (393000000000 + i)::text, '+' || (393000000000 + i),
              (ARRAY['Giulia','Marco','Anna','Luca','Sara','Paolo','Elena','Davide','Chiara','Matteo'])[1 + i % 10],
              'Cliente' || i, NULL, 'c' || i || '@example.com',
              CASE WHEN i % 10 = 0 THEN 'low priority' END,
              (ARRAY['unknown','opted_in','opted_out'])[1 + i % 3],
              jsonb_build_object('lead_source', (ARRAY['WhatsApp','Website','Shop'])[1 + i % 3]),
              now() - (i % 365) * interval '1 day', now() - (i % 730) * interval '1 day', now() - (i % 100000) * interval '1 second'
         FROM generate_series($2::int, $3::int) AS i`,
      [workspace, from, to],
    );
    // 18%: a second number, same email. 2%: a typo in the name (checked with the SKU rule below).
    await client.query(
      `INSERT INTO contacts (id, workspace_id, phone_e164, first_name, last_name, email, created_at, updated_at)
       SELECT md5('contacts-bench-dup:' || i)::uuid, $1, '+' || (394000000000 + i),
              (ARRAY['Giulia','Marco','Anna','Luca','Sara','Paolo','Elena','Davide','Chiara','Matteo'])[1 + i % 10],
              CASE WHEN i % 100 < 18 THEN 'Cliente' || i ELSE 'Cliente' || i || 'x' END,
              CASE WHEN i % 100 < 18 THEN 'c' || i || '@example.com' END, now(), now()
         FROM generate_series($2::int, $3::int) AS i WHERE i % 100 < 20`,
      [workspace, from, to],
    );
    await client.query(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('contacts-bench:' || i)::uuid, 'o' || i, 'paid',
              jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (i % 2000), 'quantity', 1)),
              timestamptz '2025-01-01' + (i % 730) * interval '1 day'
         FROM generate_series($2::int, $3::int) AS i WHERE i % 10 < 3 OR i % 100 >= 18 AND i % 100 < 20`,
      [workspace, from, to],
    );
    await client.query(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('contacts-bench-dup:' || i)::uuid, 'od' || i, 'paid',
              jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (i % 2000), 'quantity', 1)),
              timestamptz '2025-01-01' + (i % 730 + 30) * interval '1 day'
         FROM generate_series($2::int, $3::int) AS i WHERE i % 100 >= 18 AND i % 100 < 20`,
      [workspace, from, to],
    );
    await client.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag)
       SELECT $1, md5('contacts-bench:' || i)::uuid, (ARRAY['vip','lead','sofa','returning'])[1 + i % 4]
         FROM generate_series($2::int, $3::int) AS i WHERE i % 5 = 0`,
      [workspace, from, to],
    );
    log(`  ${fmt(to)} customers (${fmt((Date.now() - started) / 1000)} s)`);
  }
  await client.query('ANALYZE');
  const counts = await client.query('SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM orders) AS orders');
  await client.query('CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)');
  await client.query(`INSERT INTO bench_meta VALUES ('contacts', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    JSON.stringify({
      customers: n,
      contacts: Number(counts.rows[0].contacts),
      orders: Number(counts.rows[0].orders),
      seconds: (Date.now() - started) / 1000,
    }),
  ]);
  await client.end();
  log(`seeded ${counts.rows[0].contacts} contacts, ${counts.rows[0].orders} orders in ${fmt((Date.now() - started) / 1000)} s`);
}

/** A POST with no client timeout (a full scan can take minutes; fetch gives up after 5). */
function postLong(baseUrl, path, token) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${baseUrl}${path}`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(body || 'null') }));
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

run(async () => {
  const url = await seededDatabase(o.db, o.reseed, seed);
  const meta = new Client({ connectionString: url });
  await meta.connect();
  const machine = await machineInfo(meta);
  const seeded = (await meta.query(`SELECT value FROM bench_meta WHERE key = 'contacts'`)).rows[0]?.value;
  await meta.query(`DELETE FROM duplicate_candidates`);
  await meta.query(`DELETE FROM duplicate_scan_jobs`);
  // The engine's own duplicate worker stays idle: the scan measured is the one this bench asks for.
  await meta.query(
    `INSERT INTO duplicate_scan_state (workspace_id, new_contacts_after, last_full_scan_at) SELECT id, now(), now() FROM workspaces
     ON CONFLICT (workspace_id) DO UPDATE SET new_contacts_after = now(), last_full_scan_at = now()`,
  );
  // --port pins the engine to a helper's own range on a shared machine; 0 takes any free one.
  const port = Number(o.port) || (await freePort());
  const engineUrl = `http://127.0.0.1:${port}`;
  const engine = startEngine('contacts-engine', engineEnv(url, null, { PORT: String(port), ENGINE_ROLE: 'all', LOG_LEVEL: 'error' }));
  await waitUntilReady(engineUrl, engine);
  const api = await apiLogin(engineUrl);
  const token = await adminToken(engineUrl);

  log('the list: first page p99');
  const n = seeded.customers;
  const pages = {
    'no filter': await timedGets(api, '/api/contacts?limit=50', o.samples),
    'name search': await timedGets(
      api,
      (i) => `/api/contacts?limit=50&search=${encodeURIComponent(`cliente${1 + ((i * 7919) % n)}`)}`,
      o.samples,
    ),
    'number search (national format)': await timedGets(
      api,
      (i) => `/api/contacts?limit=50&search=${encodeURIComponent(`${300000000 + 1 + ((i * 7919) % n)}`)}`,
      o.samples,
    ),
    'tag filter': await timedGets(api, '/api/contacts?limit=50&tag=vip', o.samples),
    'consent + last interaction': await timedGets(api, '/api/contacts?limit=50&consent=opted_in&lastInteraction=30d', o.samples),
    'CRM unlinked': await timedGets(api, '/api/contacts?limit=50&crm=unlinked', o.samples),
  };

  // --no-scan measures the list alone (the scan of a million contacts takes many minutes).
  let scanLine = 'Duplicate scan: not run (--no-scan).';
  if (o.scan) {
    log(`the duplicate scan over ${fmt(seeded.contacts)} contacts`);
    const loadBefore = (await import('node:os')).loadavg()[0];
    const started = performance.now();
    // The scan is a background job: started, then its progress read every 2 s until it ends.
    const start = await postLong(engineUrl, '/api/contact-duplicates/scan', token);
    if (start.status !== 202) throw new Error(`scan: ${start.status} ${JSON.stringify(start.body)}`);
    let scan = start;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const answer = await fetch(`${engineUrl}/api/contact-duplicates/scans/${start.body.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      scan = { status: answer.status, body: await answer.json() };
      if (scan.body.status === 'done' || scan.body.status === 'failed') break;
      log(
        `scan ${scan.body.status}: stage ${scan.body.stage} (${scan.body.stagesDone} of 4 done), ${scan.body.steps} steps, ${scan.body.pairsFound} pairs`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    if (scan.body.status !== 'done') throw new Error(`scan: ${JSON.stringify(scan.body)}`);
    const seededPairs = Math.round(n * 0.2);
    const kinds = (
      await meta.query(
        `SELECT r ->> 'kind' AS kind, count(*)::int AS n FROM duplicate_candidates, jsonb_array_elements(reasons) r GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    scanLine =
      `Duplicate scan: ${fmt(seconds, 1)} s for ${fmt(seeded.contacts)} contacts (load average at start ${fmt(loadBefore, 1)}, ` +
      `at the end ${fmt((await import('node:os')).loadavg()[0], 1)}); ` +
      `${fmt(scan.body.pairsFound)} pairs found (seeded ${fmt(seededPairs)}), ${fmt(scan.body.autoMerged)} merged automatically, ` +
      `${fmt(scan.body.contactsCompared)} contacts compared; reasons: ${kinds.map((k) => `${k.kind} ${fmt(k.n)}`).join(', ')}`;
  }
  await meta.end();
  engine.kill?.('SIGTERM');

  console.log(`\n## Contacts (issue 14): duplicate scan and list first page\n`);
  console.log(describeMachine(machine));
  console.log(
    `Seed: ${fmt(seeded.customers)} customers, ${fmt(seeded.contacts)} contacts, ${fmt(seeded.orders)} orders (seeded in ${fmt(seeded.seconds)} s)\n`,
  );
  console.log(
    table(
      ['list first page (50 rows)', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      Object.entries(pages).map(([name, s]) => [name, fmt(s.count), fmt(s.p50, 1), fmt(s.p90, 1), fmt(s.p99, 1), fmt(s.max, 1)]),
    ),
  );
  console.log(`\n${scanLine}`);
});
