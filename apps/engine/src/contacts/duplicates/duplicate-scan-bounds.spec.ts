import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { DuplicateScanJobsService } from './duplicate-scan-jobs.service';
import { DuplicateScanService } from './duplicate-scan.service';
import { DuplicateWorker } from './duplicate-worker.service';

/**
 * The same-SKU stage stays bounded whatever the data: blocks of one SKU and one name key, read a step at a time, each
 * purchase compared with at most 200 later ones of its block; a block cut short is reported on the job.
 */
describe('duplicate scan: the same-SKU stage is bounded', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    h.app.get(DuplicateWorker).onApplicationShutdown();
  }, 180_000);
  afterAll(async () => {
    await h.close();
  }, 60_000);

  const pair = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

  it('works a large catalogue in several steps, reports a hot block as capped, and still finds the typos', async () => {
    const ws = h.workspace.id;
    // 11,000 buyers with names far apart over 40 SKUs (22,000 blocked rows: more than one step of 20,000).
    await h.sql(
      `INSERT INTO contacts (id, workspace_id, first_name, last_name, phone_e164)
       SELECT md5('bounds:' || i)::uuid, $1, (ARRAY['Giulia','Marco','Anna','Luca','Sara'])[1 + i % 5], 'S' || left(md5(i::text), 9),
              '+3934' || (10000000 + i)
         FROM generate_series(1, 11000) i`,
      [ws],
    );
    await h.sql(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('bounds:' || i)::uuid, 'b' || i, 'paid', jsonb_build_array(jsonb_build_object('sku', 'CAT-' || (i % 40), 'quantity', 1)),
              timestamptz '2026-01-01' + (i % 300) * interval '1 day'
         FROM generate_series(1, 11000) i`,
      [ws],
    );
    // A hot block: 260 "Maria Bianchi…" bought HOT-1 the same day (each would be compared with 259 others).
    await h.sql(
      `INSERT INTO contacts (id, workspace_id, first_name, last_name, phone_e164)
       SELECT md5('hot:' || i)::uuid, $1, 'Maria', 'Bianchi' || chr(97 + i % 26) || chr(97 + i / 26 % 26), '+3935' || (10000000 + i)
         FROM generate_series(1, 260) i`,
      [ws],
    );
    await h.sql(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       SELECT $1, md5('hot:' || i)::uuid, 'h' || i, 'paid', '[{"sku": "HOT-1", "quantity": 1}]', timestamptz '2026-03-01'
         FROM generate_series(1, 260) i`,
      [ws],
    );
    // Five true duplicates: a typo in the surname (its first letter, the middle, the last, two swapped) and the
    // same SKU 20 days later.
    const expected = new Set<string>();
    const typos = [
      `substr(last_name, 2)`,
      `overlay(last_name PLACING '' FROM 5 FOR 1)`,
      `left(last_name, -1) || 'x'`,
      `overlay(last_name PLACING substr(last_name, 4, 1) || substr(last_name, 3, 1) FROM 3 FOR 2)`,
      `last_name || 'a'`,
    ];
    for (const [k, typo] of typos.entries()) {
      const i = 1000 + k * 97;
      const [row] = await h.sql(
        `INSERT INTO contacts (workspace_id, first_name, last_name, phone_e164)
         SELECT $1, first_name, ${typo}, '+3936' || (1000 + $2::int) FROM contacts WHERE id = md5('bounds:' || $2)::uuid RETURNING id`,
        [ws, i],
      );
      const twin = str(row?.['id']);
      await h.sql(
        `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
         SELECT $1, $2, 'twin' || $3, 'paid', items, placed_at + interval '20 days' FROM orders WHERE external_id = 'b' || $3`,
        [ws, twin, i],
      );
      const [original] = await h.sql(`SELECT md5('bounds:' || $1)::uuid::text AS id`, [i]);
      expected.add(pair(str(original?.['id']), twin));
    }

    const scan = await h.workspace.admin.post('/api/contact-duplicates/scan');
    expect(scan.status).toBe(202);
    expect(await h.app.get(DuplicateScanJobsService).runDue()).toBe(true);
    const job = obj(obj((await h.workspace.admin.get('/api/contact-duplicates/scans/latest')).body)['job']);
    expect(job).toMatchObject({ status: 'done', error: null });
    // phone, email, identity: one step each; the same-SKU stage: more than one.
    expect(Number(job['steps'])).toBeGreaterThan(4);
    expect(Number(job['cappedBlocks'])).toBeGreaterThanOrEqual(1);
    expect(arr(job['cappedExamples']).map(obj)).toContainEqual({ sku: 'HOT-1', key: 'h:mab', purchases: 260, truncated: false });

    const found = new Set(
      (await h.sql(`SELECT contact_a_id::text AS a, contact_b_id::text AS b FROM duplicate_candidates`)).map((c) =>
        pair(str(c['a']), str(c['b'])),
      ),
    );
    for (const expectedPair of expected) expect(found).toContain(expectedPair);
    // Typos at either end of the surname still meet in one of the two blocking keys; no pair is stored twice.
    const [stored] = await h.sql(
      `SELECT count(*)::int AS n, count(DISTINCT (contact_a_id, contact_b_id))::int AS d FROM duplicate_candidates`,
    );
    expect(stored?.['n']).toBe(stored?.['d']);
  }, 300_000);

  it('checks a new contact against a popular SKU on both sides of its purchase, without comparing everyone', async () => {
    const ws = h.workspace.id;
    // A new "Maria Bianchiaa" twin who bought HOT-1 10 days before the hot block.
    const [row] = await h.sql(
      `INSERT INTO contacts (workspace_id, first_name, last_name, phone_e164) VALUES ($1, 'Maria', 'Bianchiaz', '+393700000001') RETURNING id`,
      [ws],
    );
    const id = str(row?.['id']);
    await h.sql(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
       VALUES ($1, $2, 'new-1', 'paid', '[{"sku": "HOT-1", "quantity": 1}]', timestamptz '2026-02-19')`,
      [ws, id],
    );
    const result = await h.app.get(DuplicateScanService).scan(ws, { onlyContactIds: [id], detectedBy: 'new_contact' });
    // Its pairs are with the hot block only (names 80% alike, bought within 90 days), each involving it.
    expect(result.pairsFound).toBeGreaterThan(0);
    const pairs = await h.sql(
      `SELECT contact_a_id::text AS a, contact_b_id::text AS b FROM duplicate_candidates WHERE detected_by = 'new_contact'`,
    );
    expect(pairs.length).toBe(result.pairsFound);
    for (const p of pairs) expect([str(p['a']), str(p['b'])]).toContain(id);
  }, 120_000);
});
