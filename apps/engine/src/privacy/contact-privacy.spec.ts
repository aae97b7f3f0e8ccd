import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

/** Starting an engine with its own database takes longer than a test's 30 s on a loaded machine. */
const STARTUP_MS = 120_000;

const WA_ID = '393338880001';
const NAME = 'Giulietta Capuleti';
const ASKED = 'price of the red sofa please';
const REPLY = 'Our sofas start at 10 EUR.';

/** Tables that held the customer's words or ids, and how to look for them in each. */
const TRACES: Record<string, string> = {
  contacts: 'contacts t',
  messages: 'messages t',
  events: 'events t',
  executions: 'executions t',
  execution_steps: 'execution_steps t',
  side_effects: 'side_effects t',
  conversations: 'conversations t',
  contact_identity_history: 'contact_identity_history t',
};

describe('GDPR: a contact’s data exported and erased', () => {
  let h: EngineHarness;
  let contactId: string;
  let flowId: string;

  async function traces(needle: string): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    for (const [table, from] of Object.entries(TRACES)) {
      const [row] = await h.sql(`SELECT count(*)::int AS n FROM ${from} WHERE t::text LIKE $1`, [`%${needle}%`]);
      found[table] = Number(row?.['n']);
    }
    const [raw] = await h.sql(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE position(convert_to($1, 'UTF8') IN body) > 0`, [
      needle,
    ]);
    found['webhook_deliveries'] = Number(raw?.['n']);
    return found;
  }

  beforeAll(async () => {
    h = await startEngineHarness();
    const created = await h.workspace.admin.post('/api/flows', { name: 'Prices', definition: priceReplyFlow(REPLY) });
    flowId = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`)).status).toBe(201);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: WA_ID, name: NAME, text: ASKED });
    await h.settle();
    const [row] = await h.sql('SELECT id FROM contacts WHERE wa_id = $1', [WA_ID]);
    contactId = str(row?.['id']);
  }, STARTUP_MS);

  afterAll(async () => {
    await h.close();
  });

  it('exports everything about the contact to an admin, audited, and to nobody else', async () => {
    const response = await h.workspace.admin.get(`/api/contacts/${contactId}/export`);
    expect(response.status).toBe(200);
    const body = obj(response.body);
    expect(obj(body['contact'])['wa_id']).toBe(WA_ID);
    const data = obj(body['data']);
    expect(arr(data['messages']).map((m) => obj(m)['text'])).toEqual(expect.arrayContaining([ASKED, REPLY]));
    expect(arr(data['executions'])).toHaveLength(1);
    expect(arr(data['execution_steps']).length).toBeGreaterThanOrEqual(2);
    expect(arr(data['events']).length).toBeGreaterThanOrEqual(1);
    expect(arr(data['side_effects'])).toHaveLength(1);
    expect(await h.count('audit_log', `action = 'contact.exported' AND subject_id = $1`, [contactId])).toBe(1);

    for (const role of ['marketer', 'support'] as const) {
      const client = await h.workspace.user(role);
      expect((await client.get(`/api/contacts/${contactId}/export`)).status).toBe(403);
      expect((await client.post(`/api/contacts/${contactId}/erase`, { confirm: 'erase' })).status).toBe(403);
    }
    const other = await h.addWorkspace('Other');
    expect((await other.admin.get(`/api/contacts/${contactId}/export`)).status).toBe(404);
    expect((await other.admin.post(`/api/contacts/${contactId}/erase`, { confirm: 'erase' })).status).toBe(404);
  });

  it('refuses an erasure without the typed confirmation, naming the field', async () => {
    const response = await h.workspace.admin.post(`/api/contacts/${contactId}/erase`, { confirm: 'yes' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('confirm');
    expect((await traces(WA_ID))['contacts']).toBe(1);
  });

  it('erases the personal data everywhere, keeps the counts, audits it, and a returning customer starts afresh', async () => {
    const before = {
      messages: await h.count('messages', 'contact_id = $1', [contactId]),
      events: await h.count('events', 'contact_id = $1', [contactId]),
      executions: await h.count('executions', 'contact_id = $1', [contactId]),
      steps: await h.count('execution_steps', 'execution_id IN (SELECT id FROM executions WHERE contact_id = $1)', [contactId]),
    };
    expect(Object.values(await traces(WA_ID)).some((n) => n > 0)).toBe(true);

    const response = await h.workspace.admin.post(`/api/contacts/${contactId}/erase`, { confirm: 'erase' });
    expect(response.status).toBe(200);
    expect(obj(response.body)['alreadyErased']).toBe(false);
    expect(obj(obj(response.body)['changed'])['messages']).toBe(2);

    for (const needle of [WA_ID, 'Giulietta', 'red sofa', REPLY]) {
      expect({ needle, found: await traces(needle) }).toEqual({
        needle,
        found: Object.fromEntries(Object.keys({ ...TRACES, webhook_deliveries: '' }).map((t) => [t, 0])),
      });
    }
    expect({
      messages: await h.count('messages', 'contact_id = $1', [contactId]),
      events: await h.count('events', 'contact_id = $1', [contactId]),
      executions: await h.count('executions', 'contact_id = $1', [contactId]),
      steps: await h.count('execution_steps', 'execution_id IN (SELECT id FROM executions WHERE contact_id = $1)', [contactId]),
    }).toEqual(before);
    expect(await h.count('executions', `contact_id = $1 AND status = 'succeeded'`, [contactId])).toBe(1);
    const [audit] = await h.sql(`SELECT details FROM audit_log WHERE action = 'contact.erased' AND subject_id = $1`, [contactId]);
    expect(obj(obj(audit?.['details'])['changed'])['messages']).toBe(2);
    expect(JSON.stringify(audit)).not.toContain(WA_ID);

    const again = await h.workspace.admin.post(`/api/contacts/${contactId}/erase`, { confirm: 'erase' });
    expect(obj(again.body)['alreadyErased']).toBe(true);

    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: WA_ID, text: 'price again' });
    await h.settle();
    const [fresh] = await h.sql('SELECT id FROM contacts WHERE wa_id = $1', [WA_ID]);
    expect(str(fresh?.['id'])).not.toBe(contactId);
    expect(await h.count('executions', `flow_id = $1 AND status = 'succeeded'`, [flowId])).toBe(2);
  });
});
