import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { str } from '../test-support/json';
import { WhatsAppSenderService } from './whatsapp-sender.service';

/**
 * The sender reads its recipient, the number the message goes out from and that number's sealed token in one
 * statement: the contact's own number, or the workspace's first when the contact has none. These are the two
 * branches of that statement, end to end to the simulator.
 */
describe('the number a send goes out from', () => {
  let h: EngineHarness;
  let contactId: string;
  let userId: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393337000001', text: 'hello' });
    await h.settle();
    contactId = str((await h.sql(`SELECT id::text AS id FROM contacts WHERE wa_id = '393337000001'`))[0]?.['id']);
    userId = str((await h.sql('SELECT id::text AS id FROM users ORDER BY created_at LIMIT 1'))[0]?.['id']);
  });
  afterAll(async () => {
    await h.close();
  });

  async function send(key: string, body: string): Promise<string> {
    const sender = h.app.get(WhatsAppSenderService).forAgent({ workspaceId: h.workspace.id, userId });
    const result = await sender.send({ contactId, message: { type: 'text', text: { body } }, category: 'service', idempotencyKey: key });
    return result.status;
  }

  it("uses the contact's own number, and the workspace's first when the contact has none", async () => {
    const numbers = await h.sql('SELECT id::text AS id, phone_number_id FROM whatsapp_numbers WHERE workspace_id = $1', [h.workspace.id]);
    expect(numbers).toHaveLength(1);
    const numberId = str(numbers[0]?.['id']);
    expect(await h.sql('SELECT whatsapp_number_id::text AS n FROM contacts WHERE id = $1', [contactId])).toEqual([{ n: numberId }]);

    expect(await send('number-spec-own', 'from the contact’s number')).toBe('accepted');
    await h.dataSource.query('UPDATE contacts SET whatsapp_number_id = NULL WHERE id = $1', [contactId]);
    expect(await send('number-spec-first', 'from the workspace’s first number')).toBe('accepted');

    // Both reached the simulator, to the customer, from the workspace's number, and were stored against it.
    const sent = h.simulator.state.sent.filter((m) => m.to === '393337000001').map((m) => m.body['text']);
    expect(sent).toEqual([{ body: 'from the contact’s number' }, { body: 'from the workspace’s first number' }]);
    const stored = await h.sql(
      `SELECT text, whatsapp_number_id::text AS n FROM messages WHERE contact_id = $1 AND direction = 'outbound' ORDER BY occurred_at`,
      [contactId],
    );
    expect(stored).toEqual([
      { text: 'from the contact’s number', n: numberId },
      { text: 'from the workspace’s first number', n: numberId },
    ]);
  });
});
