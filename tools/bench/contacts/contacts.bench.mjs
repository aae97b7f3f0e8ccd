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

// Names with a realistic frequency. First names: 95 common Italian ones, weighted by rank (Zipf, exponent 0.5:
// "Maria" about 5.5%). Surnames: 8% from the 100 commonest Italian surnames (Zipf 0.5 within them: "Rossi" about
// 0.4%, close to its real 0.3% in Italy), 92% from a long tail built the way Italian surnames are (stem + middle + ending,
// 17,000 of them), so that, as in a real customer base, most names are rare and a few are common, and different
// people often have names 80% alike ("Mario Rossi" / "Maria Rossi", "Bertolini" / "Bartolini").
const FIRST_NAMES = `Maria Giuseppe Anna Giovanni Antonio Francesca Mario Luigi Rosa Angela Francesco Giuseppina Salvatore Luca Marco
  Giovanna Teresa Lucia Alessandro Andrea Paolo Carmela Roberto Stefano Giulia Sara Chiara Laura Valentina Elena Federica
  Roberta Paola Silvia Alessandra Matteo Davide Simone Lorenzo Riccardo Pietro Vincenzo Domenico Michele Franco Carlo
  Angelo Sergio Claudio Fabio Massimo Giorgio Daniele Emanuele Nicola Gabriele Tommaso Federico Leonardo Filippo
  Martina Giorgia Alice Aurora Sofia Greta Beatrice Ginevra Emma Noemi Elisa Monica Barbara Cristina Patrizia Daniela
  Antonella Simona Manuela Rita Marta Ilaria Serena Irene Camilla`.split(/\s+/);
const SURNAMES = `Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca Mancini Costa
  Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo
  Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri
  Bianco Marini Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo
  Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti Caputo Montanari
  Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva Donati Piras Vitali Battaglia Sartori
  Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico Orlando Damico Negri`
  .split(/\s+/)
  .map((name) => name.replace(/_/g, ' '));
const STEMS = `Bar Ber Cal Car Cas Col Con Cor Dal Fab Fal Fer For Gal Gar Gia Gri Lan Lom Mal Man Mar Mas Mon Mor Pal Par Pel
  Pie Pos Ran Ros Sal San Sca Ser Tam Tor Val Ven Vit Zan`.split(/\s+/);
const MIDDLES = 'to do ri li ne ca ti na sa bo de le ro gi mi ce ve ni lo te'.split(' ');
const ENDINGS = 'lini netti rini tti ni llo lli ri sso ssi ghi ccio cci ndi nzi tta zzi sca ro ra'.split(' ');
const SKUS = 2000;

/** `items` repeated in proportion to a Zipf weight of their rank (exponent `s`), `slots` entries in all. */
function zipfSlots(items, s, slots) {
  const weights = items.map((_, rank) => 1 / (rank + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const out = [];
  for (const [index, item] of items.entries())
    for (let k = 0; k < Math.max(1, Math.round((weights[index] / total) * slots)); k++) out.push(item);
  return out;
}

async function seed(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  const { rows } = await client.query('SELECT id FROM workspaces LIMIT 1');
  const workspace = rows[0].id;
  const n = o.contacts;
  const batch = 100_000;
  const firstNames = zipfSlots(FIRST_NAMES, 0.5, 10_000);
  const surnames = zipfSlots(SURNAMES, 0.5, 10_000);
  // Products sell unevenly too: a few SKUs are bought by many (the hot blocks the scan must stay bounded on).
  const skus = zipfSlots(
    Array.from({ length: SKUS }, (_, i) => `SKU-${i}`),
    0.8,
    20_000,
  );
  // Each customer's name, from hashes of its number i (so the dup contacts below can repeat it).
  const pick = (array, salt) => `(${array})[1 + ((hashtext('${salt}' || i) & 2147483647) % cardinality(${array}))]`;
  const surname = `CASE WHEN (hashtext('t' || i) & 2147483647) % 100 < 8 THEN ${pick('$4::text[]', 's')}
    ELSE ${pick('$5::text[]', 'a')} || ${pick('$6::text[]', 'b')} || ${pick('$7::text[]', 'c')} END`;
  const sku = pick('$8::text[]', 'k');
  log(`seeding ${fmt(n)} customers`);
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    // A temporary table of this batch's names: the duplicates and orders below repeat them.
    await client.query(`DROP TABLE IF EXISTS bench_batch`);
    await client.query(
      `CREATE TEMP TABLE bench_batch AS
       SELECT i, ${pick('$3::text[]', 'f')} AS first_name, ${surname} AS last_name, ${sku} AS sku FROM generate_series($1::int, $2::int) AS i`,
      [from, to, firstNames, surnames, STEMS, MIDDLES, ENDINGS, skus],
    );
    await client.query(
      `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, first_name, last_name, display_name, email, list, marketing_consent,
                             fields, last_inbound_at, created_at, updated_at)
       SELECT md5('contacts-bench:' || i)::uuid, $1, (393000000000 + i)::text, '+' || (393000000000 + i),
              first_name, last_name, NULL, 'c' || i || '@example.com',
              CASE WHEN i % 10 = 0 THEN 'low priority' END,
              (ARRAY['unknown','opted_in','opted_out'])[1 + i % 3],
              jsonb_build_object('lead_source', (ARRAY['WhatsApp','Website','Shop'])[1 + i % 3], 'bench_customer', i),
              now() - (i % 365) * interval '1 day', now() - (i % 730) * interval '1 day', now() - (i % 100000) * interval '1 second'
         FROM bench_batch`,
      [workspace],
    );
    // True duplicates, known by their customer (fields.bench_customer) for precision and recall:
    // 18%: a second number, same email, same name. 2%: a second number, no email, one letter of the surname
    // dropped or doubled (a typo), who bought the same SKU 30 days later.
    await client.query(
      `INSERT INTO contacts (id, workspace_id, phone_e164, first_name, last_name, email, fields, created_at, updated_at)
       SELECT md5('contacts-bench-dup:' || i)::uuid, $1, '+' || (394000000000 + i), first_name,
              CASE WHEN i % 100 < 18 THEN last_name
                   WHEN i % 2 = 0 THEN overlay(last_name PLACING '' FROM 1 + (i / 100) % length(last_name) FOR 1)
                   ELSE overlay(last_name PLACING substr(last_name, 1 + (i / 100) % length(last_name), 1) FROM 1 + (i / 100) % length(last_name) FOR 0) END,
              CASE WHEN i % 100 < 18 THEN 'c' || i || '@example.com' END,
              jsonb_build_object('bench_customer', i), now(), now()
         FROM bench_batch WHERE i % 100 < 20`,
      [workspace],
    );
    await client.query(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('contacts-bench:' || i)::uuid, 'o' || i, 'paid',
              jsonb_build_array(jsonb_build_object('sku', sku, 'quantity', 1)),
              timestamptz '2025-01-01' + (hashtext('d' || i) & 2147483647) % 730 * interval '1 day'
         FROM bench_batch WHERE i % 10 < 3 OR i % 100 >= 18 AND i % 100 < 20`,
      [workspace],
    );
    await client.query(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('contacts-bench-dup:' || i)::uuid, 'od' || i, 'paid',
              jsonb_build_array(jsonb_build_object('sku', sku, 'quantity', 1)),
              timestamptz '2025-01-01' + ((hashtext('d' || i) & 2147483647) % 730 + 30) * interval '1 day'
         FROM bench_batch WHERE i % 100 >= 18 AND i % 100 < 20`,
      [workspace],
    );
    await client.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag)
       SELECT $1, md5('contacts-bench:' || i)::uuid, (ARRAY['vip','lead','sofa','returning'])[1 + i % 4]
         FROM bench_batch WHERE i % 5 = 0`,
      [workspace],
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
    // Precision and recall against the seeded truth: a pair is true when both contacts are the same customer.
    const truth = (
      await meta.query(
        `SELECT coalesce(r ->> 'kind', 'all') AS kind, count(*)::int AS found,
                count(*) FILTER (WHERE a.fields ->> 'bench_customer' = b.fields ->> 'bench_customer')::int AS true_pairs
           FROM duplicate_candidates d JOIN contacts a ON a.id = d.contact_a_id JOIN contacts b ON b.id = d.contact_b_id
           LEFT JOIN LATERAL jsonb_array_elements(d.reasons) r ON true
          GROUP BY GROUPING SETS ((r ->> 'kind'), ())`,
      )
    ).rows;
    const all = truth.find((t) => t.kind === 'all' && t.found > 0) ?? { found: 0, true_pairs: 0 };
    // Each seeded duplicate is one pair: 18% of customers by same email, 2% by a typo in the name + the same SKU.
    const seededName = Math.round(n * 0.02);
    const byName = truth.find((t) => t.kind === 'similar_name_same_sku') ?? { found: 0, true_pairs: 0 };
    const kinds = (
      await meta.query(
        `SELECT r ->> 'kind' AS kind, count(*)::int AS n FROM duplicate_candidates, jsonb_array_elements(reasons) r GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    scanLine =
      `Duplicate scan: ${fmt(seconds, 1)} s for ${fmt(seeded.contacts)} contacts (load average at start ${fmt(loadBefore, 1)}, ` +
      `at the end ${fmt((await import('node:os')).loadavg()[0], 1)}); ` +
      `${fmt(scan.body.pairsFound)} pairs found (seeded ${fmt(seededPairs)}), ${fmt(scan.body.autoMerged)} merged automatically, ` +
      `${fmt(scan.body.contactsCompared)} contacts compared; reasons: ${kinds.map((k) => `${k.kind} ${fmt(k.n)}`).join(', ')}. ` +
      `Against the seeded truth: all pairs precision ${fmt((100 * all.true_pairs) / Math.max(1, all.found), 1)} %, ` +
      `recall ${fmt((100 * all.true_pairs) / seededPairs, 1)} % (${fmt(all.true_pairs)} of ${fmt(seededPairs)}); ` +
      `similar name + same SKU: precision ${fmt((100 * byName.true_pairs) / Math.max(1, byName.found), 1)} %, ` +
      `recall ${fmt((100 * byName.true_pairs) / seededName, 1)} % (${fmt(byName.true_pairs)} of ${fmt(seededName)}); ` +
      `SKU blocks capped: ${fmt(scan.body.cappedBlocks ?? 0)}${scan.body.cappedExamples?.length ? ` (e.g. ${JSON.stringify(scan.body.cappedExamples.slice(0, 3))})` : ''}`;
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
