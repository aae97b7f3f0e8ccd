import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { changedTables, snapshotTables } from '../test-support/table-snapshot';

describe('an agent writing to a contact', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function contactOf(waId: string): Promise<string> {
    const [row] = await h.sql('SELECT id FROM contacts WHERE wa_id = $1', [waId]);
    return str(row?.['id']);
  }

  it('refuses a message that cannot go out (outside the 24 h window) with a 422, and pauses nothing', async () => {
    const crm = await h.workspace.admin.post('/api/crm/events', {
      type: 'store.visited',
      id: 'visit-1',
      contact: { waId: '393339990001' },
    });
    expect(crm.status).toBe(202);
    await h.settle();
    const contactId = await contactOf('393339990001');
    const before = await snapshotTables(h.dataSource, { contents: true, except: ['whatsapp_numbers'] });
    const response = await h.workspace.admin.post(`/api/contacts/${contactId}/messages`, { text: 'Hello, can I help?' });
    expect(response.status).toBe(422);
    expect(obj(response.body)).toMatchObject({ code: 'policy:customer_service_window', result: { status: 'blocked' } });
    expect(changedTables(before, await snapshotTables(h.dataSource, { contents: true, except: ['whatsapp_numbers'] }))).toEqual({});
    expect(arr(obj((await h.workspace.admin.get(`/api/pauses?contactId=${contactId}`)).body)['data'])).toEqual([]);
  });

  it('ends the takeover pause at once when WhatsApp refuses the message', async () => {
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393339990002', text: 'hi there' });
    await h.settle();
    const contactId = await contactOf('393339990002');
    await fetch(`${h.simulator.url}/sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ to: '393339990002', kind: 'graph_error', code: 131026 }),
    });
    const response = await h.workspace.admin.post(`/api/contacts/${contactId}/messages`, { text: 'Hello from a person' });
    expect(response.status).toBe(201);
    expect(obj(response.body)).toMatchObject({ result: { status: 'failed' }, automationPausedUntil: null });
    expect(obj((await h.workspace.admin.get(`/api/contacts/${contactId}`)).body)['automationPaused']).toBeNull();
  });

  it('pauses automation for the takeover period when the message goes out', async () => {
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393339990003', text: 'hi there' });
    await h.settle();
    const contactId = await contactOf('393339990003');
    const response = await h.workspace.admin.post(`/api/contacts/${contactId}/messages`, { text: 'Hello from a person' });
    expect(response.status).toBe(201);
    expect(obj(response.body)).toMatchObject({ result: { status: 'accepted' }, automationPausedUntil: expect.any(String) });
    expect(obj((await h.workspace.admin.get(`/api/contacts/${contactId}`)).body)['automationPaused']).toMatchObject({ scope: 'contact' });
  });
});
