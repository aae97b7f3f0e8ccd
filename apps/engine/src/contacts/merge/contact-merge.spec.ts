import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { changedTables, snapshotTables } from '../../test-support/table-snapshot';

/** Tables a merge and its undo write by design (the merge record, its events, the audit, the live stream), and the number's send pacing. */
const BOOKKEEPING = [
  'whatsapp_numbers',
  'contact_merges',
  'events',
  'audit_log',
  'stream_events',
  'duplicate_candidates',
  'duplicate_scan_state',
  // The reports' change log: rows the merge touched are queued for their rollups to be recomputed.
  'report_changes',
];

describe('merging two contacts and undoing it', () => {
  let h: EngineHarness;
  let giulia: string;
  let secondNumber: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    const number = h.workspace.phoneNumberId;
    // One customer writing from two numbers, on the same WhatsApp line: two contacts, two conversations.
    await h.simulator.customerSends({ phoneNumberId: number, from: '393331110001', name: 'Giulia Rossi', text: 'Ciao, avete il divano?' });
    await h.simulator.customerSends({
      phoneNumberId: number,
      from: '393331110002',
      name: 'Giulia R',
      text: 'Sono io, dal telefono di lavoro',
    });
    await h.simulator.customerSends({ phoneNumberId: number, from: '393331110002', name: 'Giulia R', text: 'Quanto costa?' });
    await h.settle();
    const ids = async (waId: string) => str((await h.sql('SELECT id FROM contacts WHERE wa_id = $1', [waId]))[0]?.['id']);
    giulia = await ids('393331110001');
    secondNumber = await ids('393331110002');
    const admin = h.workspace.admin;
    expect(
      (await admin.request('PATCH', `/api/contacts/${giulia}`, { addTags: ['vip', 'sofa'], fields: { priority: 'low' } })).status,
    ).toBe(200);
    expect(
      (
        await admin.request('PATCH', `/api/contacts/${secondNumber}`, {
          addTags: ['sofa', 'work'],
          fields: { priority: 'high' },
          email: 'giulia@example.com',
        })
      ).status,
    ).toBe(200);
    const order = await admin.post('/api/crm/events', {
      type: 'order.created',
      id: 'order-77',
      contact: { phone: '+39 333 111 0002' },
      order: { id: 'order-77', total: 899, currency: 'EUR', items: [{ sku: 'SOFA-3', name: 'Divano 3 posti' }] },
    });
    expect(order.status).toBe(202);
    await h.sql(`INSERT INTO tasks (workspace_id, contact_id, title) SELECT workspace_id, id, 'Call back' FROM contacts WHERE id = $1`, [
      secondNumber,
    ]);
    await h.sql(
      `INSERT INTO opportunities (workspace_id, contact_id, title, stage) SELECT workspace_id, id, 'Sofa', 'new' FROM contacts WHERE id = $1`,
      [secondNumber],
    );
    await h.sql(
      `INSERT INTO contact_crm_ids (workspace_id, contact_id, system, external_id) SELECT workspace_id, id, 'hubspot', '901' FROM contacts WHERE id = $1`,
      [giulia],
    );
    await h.sql(
      `INSERT INTO contact_crm_ids (workspace_id, contact_id, system, external_id) SELECT workspace_id, id, 'hubspot', '902' FROM contacts WHERE id = $1`,
      [secondNumber],
    );
    await h.settle();
  }, 180_000);
  afterAll(async () => {
    await h.close();
  }, 60_000);

  /** Rows referencing either contact, per table and column (from the schema's foreign keys; contacts.merged_into_id is the merge's own mark). */
  async function rowsOfBoth(): Promise<Record<string, number>> {
    const refs = await h.sql(
      `SELECT t.relname AS t, a.attname AS c FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        WHERE k.contype = 'f' AND k.confrelid = 'contacts'::regclass AND t.relname NOT IN ('contact_merges', 'duplicate_candidates', 'contacts')`,
    );
    const counts: Record<string, number> = {};
    for (const ref of refs) {
      const [row] = await h.sql(
        `SELECT count(*)::int AS n FROM "${str(ref['t'])}" WHERE "${str(ref['c'])}" = ANY($1::uuid[])
           ${ref['t'] === 'events' ? `AND type NOT IN ('contact.merged', 'contact.merge_undone')` : ''}`,
        [[giulia, secondNumber]],
      );
      counts[`${str(ref['t'])}.${str(ref['c'])}`] = Number(row?.['n']);
    }
    return counts;
  }

  it('moves every row to the kept contact, keeps both CRM ids, and undo restores both contacts exactly', async () => {
    const admin = h.workspace.admin;
    const preview = obj((await admin.get(`/api/contact-merges/preview?keptId=${giulia}&mergedId=${secondNumber}`)).body);
    expect(arr(preview['conflicts']).map((c) => obj(c)['field'])).toEqual(expect.arrayContaining(['fields.priority']));
    const before = await snapshotTables(h.dataSource, { contents: true });
    const countsBefore = await rowsOfBoth();
    expect(countsBefore['messages.contact_id']).toBe(3);

    const merged = await admin.post('/api/contact-merges', {
      keptId: giulia,
      mergedId: secondNumber,
      choices: { 'fields.priority': 'kept' },
    });
    expect(merged.status).toBe(201);
    const mergeId = str(obj(merged.body)['mergeId']);

    // Same rows in every table, now (but for tags both carried) on the kept contact.
    expect(await rowsOfBoth()).toEqual(countsBefore);
    const stillOnMerged = await h.sql(`SELECT count(*)::int AS n FROM messages WHERE contact_id = $1`, [secondNumber]);
    expect(stillOnMerged[0]?.['n']).toBe(0);
    expect(await h.sql(`SELECT tag FROM contact_tags WHERE contact_id = $1 ORDER BY tag`, [giulia])).toEqual([
      { tag: 'sofa' },
      { tag: 'vip' },
      { tag: 'work' },
    ]);
    const profile = obj((await admin.get(`/api/contacts/${giulia}/profile`)).body);
    expect(arr(obj(profile['identity'])['crmIds']).map((c) => obj(c)['externalId'])).toEqual(['901', '902']);
    expect(arr(obj(profile['identity'])['mergedContacts']).map((c) => obj(c)['waId'])).toEqual(['393331110002']);
    expect(arr(profile['orders'])).toHaveLength(1);
    expect(arr(profile['openTasks'])).toHaveLength(1);
    // One conversation per number: the second number's messages joined Giulia's conversation.
    const conversation = str(arr(profile['conversations']).map(obj)[0]?.['id']);
    expect(await h.count('messages', 'conversation_id = $1', [conversation])).toBe(3);
    const contact = obj((await admin.get(`/api/contacts/${giulia}`)).body);
    expect(contact).toMatchObject({ email: 'giulia@example.com', fields: { priority: 'low' } });
    const listed = arr(obj((await admin.get('/api/contacts?search=giulia')).body)['data']).map((c) => obj(c)['id']);
    expect(listed).toEqual([giulia]);
    expect(await h.count('events', `type = 'contact.merged' AND contact_id = $1`, [giulia])).toBe(1);
    const timeline = arr(obj((await admin.get(`/api/contacts/${giulia}/timeline`)).body)['data']).map(obj);
    expect(timeline.some((e) => e['kind'] === 'merge')).toBe(true);
    expect(timeline.filter((e) => e['kind'] === 'message')).toHaveLength(3);

    const undone = await admin.post(`/api/contact-merges/${mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect(await rowsOfBoth()).toEqual(countsBefore);
    const changed = changedTables(before, await snapshotTables(h.dataSource, { contents: true }));
    expect(Object.keys(changed).filter((t) => !BOOKKEEPING.includes(t))).toEqual([]);
    expect((await admin.post(`/api/contact-merges/${mergeId}/undo`)).status).toBe(409);
  }, 180_000);

  it('sends a merged number to the kept contact, refuses merging a contact into itself or twice', async () => {
    const admin = h.workspace.admin;
    expect((await admin.post('/api/contact-merges', { keptId: giulia, mergedId: giulia })).status).toBe(409);
    expect((await admin.post('/api/contact-merges', { keptId: giulia, mergedId: secondNumber })).status).toBe(201);
    expect((await admin.post('/api/contact-merges', { keptId: giulia, mergedId: secondNumber })).status).toBe(409);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331110002', text: 'Ancora io' });
    await h.settle();
    const [last] = await h.sql(`SELECT contact_id FROM messages WHERE text = 'Ancora io'`);
    expect(last?.['contact_id']).toBe(giulia);
    const crm = await admin.post('/api/crm/events', { type: 'store.visited', id: 'visit-9', contact: { phone: '+393331110002' } });
    expect(crm.status).toBe(202);
    await h.settle();
    expect(await h.count('events', `type = 'store.visited' AND contact_id = $1`, [giulia])).toBe(1);
  }, 180_000);
});
