import { signWebhookBody } from '@parley/whatsapp';
import { inboundTextPayload, newWamid } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';

describe('WhatsApp webhook endpoint', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function storedNothing(action: () => Promise<number>, expectedStatus: number): Promise<void> {
    const before = await Promise.all(['webhook_deliveries', 'messages', 'events', 'contacts'].map((table) => h.count(table)));
    expect(await action()).toBe(expectedStatus);
    await h.idle();
    expect(await Promise.all(['webhook_deliveries', 'messages', 'events', 'contacts'].map((table) => h.count(table)))).toEqual(before);
  }

  function payload(text: string, from = '393331112222') {
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('fixture');
    return inboundTextPayload({ number, from, name: 'Luca', wamid: newWamid(), text, sentAt: new Date('2026-11-20T09:00:00Z') });
  }

  describe('GET verification handshake', () => {
    it('echoes hub.challenge when the verify token matches', async () => {
      const response = await fetch(`${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('1158201444');
    });

    it.each([
      ['a wrong token', 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'],
      ['a wrong mode', 'hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1'],
      ['no token', 'hub.mode=subscribe&hub.challenge=1'],
      ['repeated parameters', 'hub.mode=subscribe&hub.verify_token=verify-me&hub.verify_token=x&hub.challenge=1'],
    ])('refuses %s with 403', async (_label, query) => {
      expect((await fetch(`${h.url}/webhooks/whatsapp?${query}`)).status).toBe(403);
    });
  });

  describe('POST deliveries', () => {
    it('refuses an unsigned delivery with 401 and stores nothing', async () => {
      await storedNothing(async () => (await postWebhook(h.url, payload('price'), { signature: null })).status, 401);
    });

    it('refuses a delivery signed with another secret with 401 and stores nothing', async () => {
      await storedNothing(async () => (await postWebhook(h.url, payload('price'), { secret: 'not-the-app-secret' })).status, 401);
    });

    it('refuses a malformed signature header with 401', async () => {
      await storedNothing(async () => (await postWebhook(h.url, payload('price'), { signature: 'sha256=zz' })).status, 401);
    });

    it('refuses a body changed after signing with 401', async () => {
      const body = Buffer.from(JSON.stringify(payload('price')));
      const signature = signWebhookBody(body, h.appSecret);
      const tampered = Buffer.from(body.toString().replace('price', 'prize'));
      await storedNothing(async () => (await postWebhook(h.url, tampered, { signature })).status, 401);
    });

    it('refuses signed malformed JSON with 400 and stores nothing', async () => {
      await storedNothing(
        async () => (await postWebhook(h.url, '{"object":"whatsapp_business_account","entry":[', { secret: h.appSecret })).status,
        400,
      );
    });

    it('refuses signed JSON that is not a webhook with 400', async () => {
      await storedNothing(async () => (await postWebhook(h.url, { hello: 'world' }, { secret: h.appSecret })).status, 400);
      await storedNothing(async () => (await postWebhook(h.url, '[]', { secret: h.appSecret })).status, 400);
    });

    it('refuses a body over the 3 MB limit with 413 and stores nothing', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x20);
      await storedNothing(async () => (await postWebhook(h.url, big, { secret: h.appSecret })).status, 413);
    });

    it('accepts and processes a body just under the limit', async () => {
      const body = payload('price under the limit');
      const json = JSON.stringify(body);
      // Padding in strings each within the webhook limits (a single 3 MB string would be stored rejected, see the limits spec).
      const room = 3 * 1024 * 1024 - json.length - 20;
      const chunks = Array.from({ length: Math.ceil(room / 100_003) }, (_, i) =>
        'x'.repeat(Math.max(0, Math.min(100_000, room - i * 100_003 - 3))),
      );
      const padded = json.slice(0, -1) + ',"pad":' + JSON.stringify(chunks) + '}';
      expect(padded.length).toBeGreaterThan(3 * 1024 * 1024 - 100);
      expect((await postWebhook(h.url, padded, { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      expect(await h.count('messages', `text = 'price under the limit'`)).toBe(1);
    });

    it('handles every entry, change and message of one delivery', async () => {
      const first = payload('one', '393330000001');
      const second = payload('two', '393330000002');
      const entry = obj(arr(first['entry'])[0]);
      const value = obj(obj(arr(entry['changes'])[0])['value']);
      const secondValue = obj(obj(arr(obj(arr(second['entry'])[0])['changes'])[0])['value']);
      const extraMessage = { ...obj(arr(secondValue['messages'])[0]), id: newWamid(), text: { body: 'three' } };
      const batched = {
        object: 'whatsapp_business_account',
        entry: [
          {
            ...entry,
            changes: [
              { field: 'messages', value: { ...value } },
              { field: 'messages', value: { ...secondValue, messages: [...arr(secondValue['messages']), extraMessage] } },
            ],
          },
          { id: 'other-waba', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] },
        ],
      };
      const before = await h.count('messages');
      expect((await postWebhook(h.url, batched, { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      expect((await h.count('messages')) - before).toBe(3);
      const notes: unknown = await h.dataSource.query('SELECT notes FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
      expect(arr(obj(arr(notes)[0])['notes'])).toEqual(['account_update: VERIFIED_ACCOUNT']);
    });

    it('keeps non-ASCII text intact when the body is signed over escaped bytes', async () => {
      const body = payload('Quanto costa? 多少钱 😀', '393330000003');
      expect((await postWebhook(h.url, body, { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      const rows: unknown = await h.dataSource.query(
        `SELECT text FROM messages WHERE contact_id = (SELECT id FROM contacts WHERE wa_id = '393330000003')`,
      );
      expect(str(obj(arr(rows)[0])['text'])).toBe('Quanto costa? 多少钱 😀');
    });

    it('uses the message timestamp, not the arrival time, for the 24 h window', async () => {
      const rows: unknown = await h.dataSource.query(`SELECT last_inbound_at FROM contacts WHERE wa_id = '393330000003'`);
      expect(obj(arr(rows)[0])['last_inbound_at']).toEqual(new Date('2026-11-20T09:00:00Z'));
    });

    it('stores a delivery for an unknown number and notes why nothing happened', async () => {
      const body = payload('price');
      const entry = obj(arr(body['entry'])[0]);
      const change = obj(arr(entry['changes'])[0]);
      const value = obj(change['value']);
      const unknown = {
        ...body,
        entry: [
          { ...entry, changes: [{ ...change, value: { ...value, metadata: { phone_number_id: '999', display_phone_number: '1' } } }] },
        ],
      };
      const before = await h.count('messages');
      expect((await postWebhook(h.url, unknown, { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      expect(await h.count('messages')).toBe(before);
      const notes: unknown = await h.dataSource.query('SELECT notes, processed_at FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
      expect(obj(arr(notes)[0])).toMatchObject({
        notes: ['message: phone_number_id 999 is not registered'],
        processed_at: expect.any(Date),
      });
    });

    it('skips a malformed message but keeps the others of the same change', async () => {
      const body = payload('good one', '393330000004');
      const entry = obj(arr(body['entry'])[0]);
      const change = obj(arr(entry['changes'])[0]);
      const value = obj(change['value']);
      const messages = [{ from: '393330000004', type: 'text', text: { body: 'no id or timestamp' } }, ...arr(value['messages'])];
      const mixed = { ...body, entry: [{ ...entry, changes: [{ ...change, value: { ...value, messages } }] }] };
      const before = await h.count('messages');
      expect((await postWebhook(h.url, mixed, { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      expect((await h.count('messages')) - before).toBe(1);
    });
  });

  describe('numbers with a Meta app of their own', () => {
    const ownSecret = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

    it("stores the app secret sealed, never returns it, and checks that number's webhooks with it", async () => {
      const other = await h.addWorkspace('Own app');
      const listed = obj((await other.admin.get('/api/whatsapp/numbers')).body);
      const numberId = str(obj(arr(listed['data'])[0])['id']);
      const set = await other.admin.put(`/api/whatsapp/numbers/${numberId}/app-secret`, { appSecret: ownSecret });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ appSecret: 'own', appSecretUpdatedAt: expect.any(String) });
      expect(JSON.stringify(set.body)).not.toContain(ownSecret);
      const [stored] = await h.sql('SELECT app_secret_enc FROM whatsapp_numbers WHERE id = $1', [numberId]);
      expect(String(stored?.['app_secret_enc'])).not.toContain(ownSecret);
      expect(JSON.stringify((await other.admin.get('/api/whatsapp/numbers')).body)).not.toContain(ownSecret);

      const number = h.simulator.state.numbers.get(other.phoneNumberId);
      if (!number) throw new Error('fixture');
      const own = inboundTextPayload({
        number,
        from: '393335550001',
        name: 'Ada',
        wamid: newWamid(),
        text: 'hello own app',
        sentAt: new Date('2026-11-20T09:00:00Z'),
      });
      expect((await postWebhook(h.url, own, { secret: ownSecret })).status).toBe(200);
      await h.idle();
      expect(await h.count('messages', `text = 'hello own app'`)).toBe(1);

      // The same app cannot speak for another business's number, even inside an entry naming its own account.
      const victim = payload('forged price', '393335550002');
      const entry = obj(arr(victim['entry'])[0]);
      const forged = { ...victim, entry: [{ ...entry, id: number.wabaId }] };
      const before = await h.count('messages');
      expect((await postWebhook(h.url, forged, { secret: ownSecret })).status).toBe(200);
      await h.idle();
      expect(await h.count('messages')).toBe(before);
      const [delivery] = await h.sql('SELECT notes, signed_for FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
      expect(delivery).toEqual({
        notes: [expect.stringContaining('is not the one whose app secret signed this delivery')],
        signed_for: [other.phoneNumberId],
      });
      // Nor for another account.
      expect((await postWebhook(h.url, payload('forged again', '393335550003'), { secret: ownSecret })).status).toBe(200);
      await h.idle();
      expect(await h.count('messages')).toBe(before);
    });

    it('refuses the old secret once rotated, and falls back to the deployment secret when removed', async () => {
      const other = await h.addWorkspace('Rotating app');
      const numberId = str(obj(arr(obj((await other.admin.get('/api/whatsapp/numbers')).body)['data'])[0])['id']);
      const number = h.simulator.state.numbers.get(other.phoneNumberId);
      if (!number) throw new Error('fixture');
      const inbound = (text: string) =>
        inboundTextPayload({ number, from: '393335550010', name: 'Bo', wamid: newWamid(), text, sentAt: new Date('2026-11-20T09:00:00Z') });
      const first = '0123456789abcdef0123456789abcdef';
      expect((await other.admin.put(`/api/whatsapp/numbers/${numberId}/app-secret`, { appSecret: first })).status).toBe(200);
      expect((await postWebhook(h.url, inbound('first secret'), { secret: first })).status).toBe(200);
      await h.idle();
      expect(
        (await other.admin.put(`/api/whatsapp/numbers/${numberId}/app-secret`, { appSecret: 'ffffeeeeddddccccbbbbaaaa99998888' })).status,
      ).toBe(200);
      await storedNothing(async () => (await postWebhook(h.url, inbound('old secret'), { secret: first })).status, 401);
      expect((await postWebhook(h.url, inbound('new secret'), { secret: 'ffffeeeeddddccccbbbbaaaa99998888' })).status).toBe(200);
      await h.idle();
      const removed = await other.admin.request('DELETE', `/api/whatsapp/numbers/${numberId}/app-secret`);
      expect(removed.body).toMatchObject({ appSecret: 'deployment', appSecretUpdatedAt: null });
      await storedNothing(
        async () => (await postWebhook(h.url, inbound('after removal'), { secret: 'ffffeeeeddddccccbbbbaaaa99998888' })).status,
        401,
      );
      expect((await postWebhook(h.url, inbound('deployment secret'), { secret: h.appSecret })).status).toBe(200);
    });

    it('refuses an app secret that is not one, with the field named, and changes nothing', async () => {
      const numberId = str(obj(arr(obj((await h.workspace.admin.get('/api/whatsapp/numbers')).body)['data'])[0])['id']);
      const response = await h.workspace.admin.put(`/api/whatsapp/numbers/${numberId}/app-secret`, { appSecret: 'short' });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain('appSecret');
      expect((await h.workspace.admin.get('/api/whatsapp/numbers')).body).toMatchObject({ data: [{ appSecret: 'deployment' }] });
    });
  });
});
