import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';

describe('CRM events API: API keys, idempotency and bad input', () => {
  let h: EngineHarness;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    const created = await h.workspace.admin.post('/api/api-keys', { name: 'Shop' });
    expect(created.status).toBe(201);
    key = str(obj(created.body)['key']);
    keyId = str(obj(created.body)['id']);
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, apiKey: string | null = key) =>
    fetch(`${h.url}/api/crm/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey === null ? {} : { 'x-api-key': apiKey }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const order = (id: string, type = 'order.created') => ({
    type,
    id: `${id}-${type}`,
    contact: { phone: '+39 333 555 0101', firstName: 'Marta' },
    order: { id, total: 49.9, currency: 'EUR' },
  });

  it('takes an event with an API key, creates the contact and the order, and shows the key only once', async () => {
    const response = await post(order('A-1'));
    expect(response.status).toBe(202);
    const body = obj(await response.json());
    expect(body).toMatchObject({ duplicate: false, eventId: expect.any(String), contactId: expect.any(String) });
    const [contact] = await h.sql(`SELECT wa_id, phone_e164, first_name FROM contacts WHERE id = $1`, [body['contactId']]);
    expect(contact).toEqual({ wa_id: '393335550101', phone_e164: '+393335550101', first_name: 'Marta' });
    expect(await h.sql(`SELECT external_id, status, total::text FROM orders WHERE workspace_id = $1`, [h.workspace.id])).toEqual([
      { external_id: 'A-1', status: 'created', total: '49.90' },
    ]);
    const listed = JSON.stringify((await h.workspace.admin.get('/api/api-keys')).body);
    expect(listed).toContain('Shop');
    expect(listed).not.toContain(key);
  });

  it('stores a redelivered event once and does not move the order back', async () => {
    expect((await post(order('A-2'))).status).toBe(202);
    expect((await post(order('A-2', 'order.shipped'))).status).toBe(202);
    const again = obj(await (await post(order('A-2'))).json());
    expect(again).toMatchObject({ duplicate: true, eventId: null });
    expect(await h.count('events', `source_id = 'order.created:A-2-order.created'`)).toBe(1);
    expect(await h.sql(`SELECT status FROM orders WHERE external_id = 'A-2'`)).toEqual([{ status: 'shipped' }]);
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const before = { events: await h.count('events'), contacts: await h.count('contacts'), orders: await h.count('orders') };
    const cases: [unknown, RegExp][] = [
      ['{"type": "order.created", ', /not valid JSON/],
      [{ type: 'order.teleported', id: 'x', contact: { waId: '393330000001' } }, /type/],
      [{ type: 'order.created', id: 'x', contact: { waId: '393330000001' } }, /order/],
      [{ type: 'order.created', id: 'x', contact: {}, order: { id: 'B-1' } }, /contact/],
      [{ type: 'order.created', id: 'x', contact: { phone: '12' }, order: { id: 'B-1' } }, /not a valid phone number/],
      [{ type: 'order.paid', id: '', contact: { waId: '393330000001' }, order: { id: 'B-1' } }, /id/],
      [{ type: 'order.paid', id: 'x', contact: { waId: '393330000001' }, order: { id: 'B-1', total: -5 } }, /order\.total/],
      [{ type: 'deal.stage_changed', id: 'x', contact: { email: 'not-an-email' }, deal: { id: 'D', stage: 'won' } }, /contact\.email/],
    ];
    for (const [body, message] of cases) {
      const response = await post(body);
      const text = await response.text();
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(text).toMatch(message);
    }
    expect({ events: await h.count('events'), contacts: await h.count('contacts'), orders: await h.count('orders') }).toEqual(before);
  });

  it('lets an API key reach only the event route, and refuses unknown or revoked keys', async () => {
    const flows = await fetch(`${h.url}/api/flows`, { headers: { 'x-api-key': key } });
    expect(flows.status).toBe(403);
    expect((await post(order('C-1'), 'pk_live_not-a-real-key')).status).toBe(401);
    expect((await post(order('C-1'), null)).status).toBe(401);

    expect((await h.workspace.admin.request('DELETE', `/api/api-keys/${keyId}`)).status).toBe(204);
    const before = await h.count('events');
    expect((await post(order('C-2'))).status).toBe(401);
    expect(await h.count('events')).toBe(before);
    const keys = arr(obj((await h.workspace.admin.get('/api/api-keys')).body)['data']).map(obj);
    expect(keys.find((k) => k['id'] === keyId)).toMatchObject({ revoked: true });
  });

  it('keeps each workspace’s events apart: a key files events under its own workspace', async () => {
    const other = await h.addWorkspace('Second shop');
    const otherKey = str(obj((await other.admin.post('/api/api-keys', { name: 'Other shop' })).body)['key']);
    const response = await post(order('D-1'), otherKey);
    expect(response.status).toBe(202);
    const contactId = str(obj(await response.json())['contactId']);
    expect(await h.sql(`SELECT workspace_id FROM contacts WHERE id = $1`, [contactId])).toEqual([{ workspace_id: other.id }]);
    expect(await h.count('orders', `external_id = 'D-1' AND workspace_id = $1`, [h.workspace.id])).toBe(0);
  });
});
