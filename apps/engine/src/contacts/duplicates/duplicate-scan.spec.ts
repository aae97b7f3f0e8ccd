import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { DuplicateScanJobsService } from './duplicate-scan-jobs.service';
import { DuplicateWorker } from './duplicate-worker.service';

const FIRST = ['Giulia', 'Marco', 'Anna', 'Luca', 'Sara', 'Paolo', 'Elena', 'Davide', 'Chiara', 'Matteo', 'Laura', 'Simone'];
const LAST = ['Rossi', 'Bianchi', 'Esposito', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca'];

/** A typo: one letter of the last name changed (about 93% alike for these names). */
function typo(name: string): string {
  const i = name.length - 2;
  return `${name.slice(0, i)}${name[i] === 'x' ? 'y' : 'x'}${name.slice(i + 1)}`;
}

describe('duplicate scan on a seeded set with known answers', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    // The test works the scan jobs itself (to stop one mid-way as a crash would).
    h.app.get(DuplicateWorker).onApplicationShutdown();
  }, 180_000);
  afterAll(async () => {
    await h.close();
  }, 60_000);

  it('finds every seeded duplicate and nothing else (precision and recall), and merges same-identity pairs by itself', async () => {
    const ws = h.workspace.id;
    let serial = 0;
    const contact = async (values: {
      first: string;
      last: string;
      phone?: string | null;
      email?: string | null;
      bsuid?: string | null;
    }) => {
      serial += 1;
      const [row] = await h.sql(
        `INSERT INTO contacts (workspace_id, first_name, last_name, display_name, phone_e164, email, bsuid)
         VALUES ($1, $2, $3, $2 || ' ' || $3, $4, $5, $6) RETURNING id`,
        [
          ws,
          values.first,
          values.last,
          values.phone === undefined ? `+3933350${String(serial).padStart(5, '0')}` : values.phone,
          values.email ?? null,
          values.bsuid ?? null,
        ],
      );
      return str(row?.['id']);
    };
    const order = async (contactId: string, sku: string, day: number) => {
      serial += 1;
      await h.sql(
        `INSERT INTO orders (workspace_id, contact_id, external_id, status, items, placed_at)
         VALUES ($1, $2, $3, 'paid', $4, timestamptz '2026-06-01T10:00:00Z' + make_interval(days => $5))`,
        [ws, contactId, `o-${serial}`, JSON.stringify([{ sku, name: sku, quantity: 1 }]), day],
      );
    };
    const expected = new Set<string>();
    const pair = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
    const person = (i: number) => ({
      first: FIRST[i % FIRST.length] ?? 'X',
      last: `${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Y'}${i}`,
    });

    // 60 customers, none alike.
    for (let i = 0; i < 60; i += 1) await contact({ ...person(i), email: `p${i}@example.com` });
    // 10 pairs with the same number, 10 with the same email.
    for (let i = 100; i < 110; i += 1) {
      const a = await contact({ ...person(i), phone: `+3933360${i}00` });
      const b = await contact({ first: 'Someone', last: `Else${i}`, phone: `+3933360${i}00` });
      expected.add(pair(a, b));
    }
    for (let i = 110; i < 120; i += 1) {
      const a = await contact({ ...person(i), email: `shared${i}@example.com` });
      const b = await contact({ first: 'Other', last: `Name${i}`, email: `Shared${i}@Example.com` });
      expected.add(pair(a, b));
    }
    // 10 pairs: a typo in the name and the same SKU within 90 days.
    for (let i = 120; i < 130; i += 1) {
      const p = person(i);
      const a = await contact(p);
      const b = await contact({ first: p.first, last: typo(p.last) });
      await order(a, `SKU-${i}`, 0);
      await order(b, `SKU-${i}`, 60 + (i % 30));
      expected.add(pair(a, b));
    }
    // Decoys: a typo but the same SKU 120 days apart; a typo but other SKUs; other names, same SKU, same day.
    for (let i = 130; i < 140; i += 1) {
      const p = person(i);
      const a = await contact(p);
      const b = await contact({ first: p.first, last: typo(p.last) });
      await order(a, `SKU-${i}`, 0);
      await order(b, `SKU-${i}`, 120);
      const c = await contact(person(i + 100));
      const d = await contact({ first: person(i + 100).first, last: typo(person(i + 100).last) });
      await order(c, `SKU-A${i}`, 0);
      await order(d, `SKU-B${i}`, 5);
      const e = await contact(person(i + 200));
      const f = await contact(person(i + 300));
      await order(e, 'SKU-POPULAR', 1);
      await order(f, 'SKU-POPULAR', 1);
    }
    // 2 pairs with the same WhatsApp identity: one contact's former BSUID is the other's.
    const identityPairs: string[] = [];
    for (let i = 140; i < 142; i += 1) {
      const holder = await contact({ ...person(i), bsuid: `IT.bsuid${i}` });
      const former = await contact({ first: 'Old', last: `Record${i}` });
      await h.sql(
        `INSERT INTO contact_identity_history (workspace_id, contact_id, kind, value, reason, ended_at, source)
         VALUES ($1, $2, 'bsuid', $3, 'user_id_changed', now(), 'test')`,
        [ws, former, `IT.bsuid${i}`],
      );
      expected.add(pair(holder, former));
      identityPairs.push(pair(holder, former));
    }

    // The scan is a background job: the POST answers at once, one job at a time per workspace.
    const scan = await h.workspace.admin.post('/api/contact-duplicates/scan');
    expect(scan.status).toBe(202);
    const jobId = str(obj(scan.body)['id']);
    expect(obj(scan.body)).toMatchObject({ status: 'queued', stagesDone: 0, stagesTotal: 4 });
    const twice = await h.workspace.admin.post('/api/contact-duplicates/scan');
    expect(twice.status).toBe(409);
    expect(JSON.stringify(twice.body)).toContain(jobId);
    // A worker does two steps (same number, same email) and dies: its lease runs out with the job half done.
    const jobs = h.app.get(DuplicateScanJobsService);
    expect(await jobs.runDue({ maxSteps: 2, leaseMs: 0 })).toBe(true);
    const halfway = obj((await h.workspace.admin.get(`/api/contact-duplicates/scans/${jobId}`)).body);
    expect(halfway).toMatchObject({ status: 'running', stage: 'identity', stagesDone: 2, steps: 2, pairsFound: 20 });
    // Another worker takes it over and finishes from the stored stage: no step is worked twice.
    expect(await jobs.runDue()).toBe(true);
    const finished = obj((await h.workspace.admin.get('/api/contact-duplicates/scans/latest')).body)['job'];
    expect(obj(finished)).toMatchObject({ id: jobId, status: 'done', stagesDone: 4, steps: 4, autoMerged: 2, error: null });
    expect(obj(finished)['pairsFound']).toBe(expected.size);
    expect(
      (await h.workspace.admin.get(`/api/contact-duplicates/scans/${jobId.replace(/.$/, jobId.endsWith('0') ? '1' : '0')}`)).status,
    ).toBe(404);
    const candidates = arr(obj((await h.workspace.admin.get('/api/contact-duplicates?limit=200')).body)['data']).map(obj);
    const merged = await h.sql(`SELECT kept_contact_id, merged_contact_id FROM contact_merges WHERE automatic`);
    const found = new Set([
      ...candidates.map((c) => pair(str(obj(c['a'])['id']), str(obj(c['b'])['id']))),
      ...merged.map((m) => pair(str(m['kept_contact_id']), str(m['merged_contact_id']))),
    ]);
    const truePositives = [...found].filter((p) => expected.has(p)).length;
    const precision = truePositives / found.size;
    const recall = truePositives / expected.size;
    console.log(
      `duplicate scan on the seeded set: ${expected.size} known pairs, ${found.size} found, precision ${precision}, recall ${recall}`,
    );
    expect({ precision, recall }).toEqual({ precision: 1, recall: 1 });
    // Same identity: merged by itself, the holder of the identity kept; everything else waits for a person.
    expect(merged.map((m) => pair(str(m['kept_contact_id']), str(m['merged_contact_id']))).sort()).toEqual(identityPairs.sort());
    const reasons = candidates.flatMap((c) => arr(c['reasons']).map((r) => str(obj(r)['kind'])));
    expect(new Set(reasons)).toEqual(new Set(['same_phone', 'same_email', 'similar_name_same_sku']));

    // A second scan finds the same pairs and opens nothing new; a dismissed pair stays dismissed.
    const first = str(candidates[0]?.['id']);
    expect((await h.workspace.admin.post(`/api/contact-duplicates/${first}/dismiss`)).status).toBe(200);
    expect((await h.workspace.admin.post('/api/contact-duplicates/scan')).status).toBe(202);
    expect(await jobs.runDue()).toBe(true);
    expect(arr(obj((await h.workspace.admin.get('/api/contact-duplicates?limit=200')).body)['data'])).toHaveLength(candidates.length - 1);
  }, 180_000);
});
