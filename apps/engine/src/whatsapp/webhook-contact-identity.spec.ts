import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';

const T0 = 1_795_000_000;

/**
 * A customer is one contact whatever their number does: the BSUID carries
 * them to a new number, the `user_changed_number` notice moves their contact,
 * a number given to someone else becomes the new person's, and nothing a
 * customer sends is parked for a conflict between our own unique keys.
 */
describe('WhatsApp webhooks: a customer keeps their contact when their number changes', () => {
  let h: EngineHarness;
  let seq = 0;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  function wamid(): string {
    seq += 1;
    return `wamid.identity${seq}`;
  }

  /** A signed `messages` webhook from one customer, in Meta's shape (BSUID in `contacts[].user_id` and `from_user_id`). */
  function fromCustomer(input: { waId: string | null; userId?: string; at: number; message: Record<string, unknown>; name?: string }) {
    const id = str(input.message['id']);
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '200001',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001', phone_number_id: h.workspace.phoneNumberId },
                ...(input.message['type'] === 'system'
                  ? {}
                  : {
                      contacts: [
                        {
                          profile: { name: input.name ?? 'Giulia Neri' },
                          ...(input.waId ? { wa_id: input.waId } : {}),
                          ...(input.userId ? { user_id: input.userId } : {}),
                        },
                      ],
                    }),
                messages: [
                  {
                    ...(input.waId ? { from: input.waId } : {}),
                    ...(input.userId ? { from_user_id: input.userId } : {}),
                    timestamp: String(input.at),
                    ...input.message,
                    id,
                  },
                ],
              },
            },
          ],
        },
      ],
    };
  }

  async function deliver(payload: Record<string, unknown>): Promise<void> {
    expect((await postWebhook(h.url, payload, { secret: h.appSecret })).status).toBe(200);
    await h.settle();
  }

  const text = (body: string) => ({ id: wamid(), type: 'text', text: { body } });

  async function contactOf(id: string): Promise<string> {
    const [row] = await h.sql('SELECT contact_id FROM messages WHERE wamid = $1', [id]);
    return str(row?.['contact_id']);
  }

  async function contact(id: string): Promise<Record<string, unknown>> {
    const [row] = await h.sql('SELECT wa_id, bsuid, phone_e164 FROM contacts WHERE id = $1', [id]);
    return obj(row);
  }

  async function nothingParked(): Promise<void> {
    expect(
      await h.sql(`SELECT id, last_error, notes FROM webhook_deliveries WHERE last_error IS NOT NULL OR processed_at IS NULL`),
    ).toEqual([]);
  }

  it('stores a message from a new number carrying a known BSUID on the same contact, and moves the contact to that number', async () => {
    const first = text('ciao, sono Giulia');
    await deliver(fromCustomer({ waId: '393331000001', userId: 'US.1000001', at: T0, message: first }));
    const giulia = await contactOf(str(first.id));

    const fromNewNumber = text('ho cambiato numero');
    await deliver(fromCustomer({ waId: '393331000002', userId: 'US.1000001', at: T0 + 3600, message: fromNewNumber }));

    await nothingParked();
    expect(await contactOf(str(fromNewNumber.id))).toBe(giulia);
    expect(await contact(giulia)).toEqual({ wa_id: '393331000002', bsuid: 'US.1000001', phone_e164: '+393331000002' });
    expect(await h.sql('SELECT kind, value, replaced_by, reason FROM contact_identity_history WHERE contact_id = $1', [giulia])).toEqual([
      { kind: 'wa_id', value: '393331000001', replaced_by: '393331000002', reason: 'number_changed' },
    ]);
    const changes = await h.sql(`SELECT payload FROM events WHERE contact_id = $1 AND type = 'contact.field_changed' ORDER BY id`, [
      giulia,
    ]);
    expect(changes.map((row) => obj(row['payload']))).toEqual([
      { field: 'wa_id', oldValue: '393331000001', newValue: '393331000002', source: 'whatsapp:message' },
      { field: 'phone', oldValue: '+393331000001', newValue: '+393331000002', source: 'whatsapp:message' },
    ]);
    expect(await h.count('contacts', 'bsuid = $1', ['US.1000001'])).toBe(1);
    // The new message is the customer writing: it reaches the flows like any other.
    expect(await h.count('events', `type = 'message.received' AND source_id = $1`, [str(fromNewNumber.id)])).toBe(1);
  });

  it('stores a late delivery from the old number on the same contact without moving it back', async () => {
    const [giulia] = await h.sql(`SELECT id FROM contacts WHERE bsuid = 'US.1000001'`);
    const late = text('scritto prima del cambio');
    // Written before the change, delivered after it (Meta retries for days); no BSUID on this older message.
    await deliver(fromCustomer({ waId: '393331000001', at: T0 + 60, message: late }));
    await nothingParked();
    expect(await contactOf(str(late.id))).toBe(giulia?.['id']);
    expect(await contact(str(giulia?.['id']))).toMatchObject({ wa_id: '393331000002' });
  });

  it('applies the user_changed_number notice: the contact takes the new number, the old one goes into its history', async () => {
    const hello = text('buongiorno');
    await deliver(fromCustomer({ waId: '393332000001', at: T0, message: hello }));
    const marco = await contactOf(str(hello.id));

    const notice = {
      id: wamid(),
      type: 'system',
      system: { body: 'User Marco changed from 393332000001 to 393332000002', wa_id: '393332000002', type: 'user_changed_number' },
    };
    await deliver(fromCustomer({ waId: '393332000001', at: T0 + 100, message: notice }));
    await nothingParked();
    expect(await contactOf(str(notice.id))).toBe(marco);
    expect(await contact(marco)).toEqual({ wa_id: '393332000002', bsuid: null, phone_e164: '+393332000002' });
    expect(await h.sql('SELECT value, replaced_by, reason FROM contact_identity_history WHERE contact_id = $1', [marco])).toEqual([
      { value: '393332000001', replaced_by: '393332000002', reason: 'number_changed' },
    ]);
    const [event] = await h.sql(
      `SELECT payload FROM events WHERE contact_id = $1 AND type = 'contact.field_changed' AND payload->>'field' = 'wa_id'`,
      [marco],
    );
    expect(event?.['payload']).toEqual({
      field: 'wa_id',
      oldValue: '393332000001',
      newValue: '393332000002',
      source: 'whatsapp:user_changed_number',
    });
    // A notice is not the customer writing: the 24 h window stays where their own message put it.
    const [window] = await h.sql('SELECT last_inbound_at FROM contacts WHERE id = $1', [marco]);
    expect(window?.['last_inbound_at']).toEqual(new Date(T0 * 1000));

    const after = text('eccomi dal numero nuovo');
    await deliver(fromCustomer({ waId: '393332000002', at: T0 + 200, message: after }));
    expect(await contactOf(str(after.id))).toBe(marco);
    expect(await h.count('contacts', `wa_id IN ('393332000001', '393332000002') OR phone_e164 = '+393332000001'`)).toBe(1);
  });

  it('gives the new number to the customer when a contact was made from it before the notice came', async () => {
    const old = text('dal vecchio');
    await deliver(fromCustomer({ waId: '393333000001', at: T0, message: old }));
    const anna = await contactOf(str(old.id));
    // The customer writes from the new number before Meta's notice arrives: without a BSUID nothing links the two yet.
    const early = text('dal nuovo, prima dell avviso');
    await deliver(fromCustomer({ waId: '393333000002', at: T0 + 50, message: early }));
    const stub = await contactOf(str(early.id));
    expect(stub).not.toBe(anna);

    const notice = {
      id: wamid(),
      type: 'system',
      system: { body: 'User Anna changed from 393333000001 to 393333000002', wa_id: '393333000002', type: 'user_changed_number' },
    };
    await deliver(fromCustomer({ waId: '393333000001', at: T0 + 40, message: notice }));
    await nothingParked();
    expect(await contact(anna)).toMatchObject({ wa_id: '393333000002' });
    expect(await contact(stub)).toMatchObject({ wa_id: null });
    expect(await h.sql('SELECT value, reason, moved_to_contact_id FROM contact_identity_history WHERE contact_id = $1', [stub])).toEqual([
      { value: '393333000002', reason: 'moved_to_contact', moved_to_contact_id: anna },
    ]);
    const next = text('di nuovo dal nuovo');
    await deliver(fromCustomer({ waId: '393333000002', at: T0 + 300, message: next }));
    expect(await contactOf(str(next.id))).toBe(anna);
  });

  it('gives a number that now belongs to another person (another BSUID) to a new contact; the old one keeps it in its history', async () => {
    const before = text('sono Paolo');
    await deliver(fromCustomer({ waId: '393334000001', userId: 'US.4000001', at: T0, message: before, name: 'Paolo' }));
    const paolo = await contactOf(str(before.id));

    const stranger = text('salve, numero nuovo per me');
    await deliver(fromCustomer({ waId: '393334000001', userId: 'US.4000002', at: T0 + 86_400, message: stranger, name: 'Sara' }));
    await nothingParked();
    const sara = await contactOf(str(stranger.id));
    expect(sara).not.toBe(paolo);
    expect(await contact(sara)).toEqual({ wa_id: '393334000001', bsuid: 'US.4000002', phone_e164: '+393334000001' });
    expect(await contact(paolo)).toMatchObject({ wa_id: null, bsuid: 'US.4000001' });
    expect(await h.sql('SELECT value, reason, moved_to_contact_id FROM contact_identity_history WHERE contact_id = $1', [paolo])).toEqual([
      { value: '393334000001', reason: 'moved_to_contact', moved_to_contact_id: sara },
    ]);
    // Paolo, writing again under his BSUID from his new number, is still Paolo.
    const back = text('Paolo di nuovo');
    await deliver(fromCustomer({ waId: '393334000009', userId: 'US.4000001', at: T0 + 90_000, message: back, name: 'Paolo' }));
    expect(await contactOf(str(back.id))).toBe(paolo);
    expect(await contact(paolo)).toMatchObject({ wa_id: '393334000009' });
  });

  it('through the simulator: a customer with a BSUID changes number and keeps writing to the same contact', async () => {
    const send = (from: string, message: Parameters<EngineHarness['simulator']['customerSends']>[0]['message'], userId?: string) =>
      h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from, name: 'Teo', message, ...(userId ? { userId } : {}) });
    const first = await send('393338000001', { type: 'text', text: 'ciao' }, 'IT.8000001');
    await send('393338000001', { type: 'user_changed_number', newWaId: '393338000002' });
    const after = await send('393338000002', { type: 'text', text: 'numero nuovo' });
    await h.settle();
    await nothingParked();
    const teo = await contactOf(first.wamid);
    expect(await contactOf(after.wamid)).toBe(teo);
    expect(await contact(teo)).toEqual({ wa_id: '393338000002', bsuid: 'IT.8000001', phone_e164: '+393338000002' });
  });

  it('makes one contact when several deliveries of a new customer are processed at the same time', async () => {
    const messages = Array.from({ length: 6 }, (_, i) => text(`messaggio ${i}`));
    const statuses = await Promise.all(
      messages.map(
        async (message, i) =>
          (
            await postWebhook(h.url, fromCustomer({ waId: '393335000001', userId: 'US.5000001', at: T0 + i, message }), {
              secret: h.appSecret,
            })
          ).status,
      ),
    );
    expect(statuses).toEqual(messages.map(() => 200));
    await h.settle();
    await nothingParked();
    expect(await h.count('contacts', `wa_id = '393335000001' OR bsuid = 'US.5000001'`)).toBe(1);
    expect(await h.count('messages', `contact_id = (SELECT id FROM contacts WHERE bsuid = 'US.5000001')`)).toBe(6);
  });

  it('finds the customer by BSUID alone (username, no number) and keeps their number', async () => {
    const [giulia] = await h.sql(`SELECT id FROM contacts WHERE bsuid = 'US.1000001'`);
    const hidden = text('ora uso un nome utente');
    await deliver(fromCustomer({ waId: null, userId: 'US.1000001', at: T0 + 7200, message: hidden }));
    await nothingParked();
    expect(await contactOf(str(hidden.id))).toBe(giulia?.['id']);
    expect(await contact(str(giulia?.['id']))).toMatchObject({ wa_id: '393331000002' });
  });

  it('a CRM event with the old number finds the customer who moved to a new one', async () => {
    const [giulia] = await h.sql(`SELECT id FROM contacts WHERE bsuid = 'US.1000001'`);
    const created = await h.workspace.admin.post('/api/api-keys', { name: 'Shop' });
    const key = str(obj(created.body)['key']);
    const response = await fetch(`${h.url}/api/crm/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ type: 'store.visited', id: 'visit-old-number', contact: { phone: '+39 333 100 0001' } }),
    });
    expect(response.status).toBe(202);
    expect(obj(await response.json())['contactId']).toBe(giulia?.['id']);
    expect(arr(await h.sql(`SELECT id FROM contacts WHERE wa_id = '393331000001' OR phone_e164 = '+393331000001'`))).toEqual([]);
  });
});
