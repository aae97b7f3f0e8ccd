import { deliverWebhook, statusPayload } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { str } from '../test-support/json';

/**
 * Meta's first status for a message can arrive while the engine is still
 * committing the answer to that send (Meta posts "sent" within
 * milliseconds). The status must then wait for the commit and apply, not be
 * dropped as a status "for an unknown message": Meta never posts it again.
 */
describe('a status webhook that arrives while its send is being committed', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393334000077', text: 'hello' });
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
  });

  it('waits for the commit and moves the message to delivered', async () => {
    const [contact] = await h.sql(`SELECT id FROM contacts WHERE wa_id = '393334000077'`);
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE phone_number_id = $1', [h.workspace.phoneNumberId]);
    const key = 'race-during-commit:reply:0';
    await h.dataSource.query(
      `INSERT INTO side_effects (idempotency_key, workspace_id, node_id, kind, status, request)
       VALUES ($1, $2, 'reply', 'whatsapp.send', 'pending', $3)`,
      [key, h.workspace.id, JSON.stringify({ messaging_product: 'whatsapp', to: '393334000077', type: 'text', text: { body: 'hi' } })],
    );

    // The sender's transaction for Meta's answer, held open: side effect settled and message stored, not yet committed.
    const sender = h.dataSource.createQueryRunner();
    await sender.connect();
    await sender.startTransaction();
    await sender.query(`UPDATE side_effects SET status = 'succeeded', result = '{}' WHERE idempotency_key = $1`, [key]);
    await sender.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at)
       VALUES ($1, $2, $3, 'outbound', 'wamid.RACE', 'text', 'hi', '{}', now(), 'accepted', now())`,
      [h.workspace.id, str(contact?.['id']), str(number?.['id'])],
    );

    const simulated = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!simulated) throw new Error('no simulated number');
    const delivery = deliverWebhook(
      { url: `${h.url}/webhooks/whatsapp`, appSecret: h.appSecret },
      statusPayload({
        number: simulated,
        wamid: 'wamid.RACE',
        recipient: '393334000077',
        status: 'delivered',
        at: new Date(),
        callbackData: key,
        error: null,
      }),
      { maxAttempts: 1, firstDelayMs: 0 },
    );
    // The status's processing now waits on the sender's row lock.
    for (let i = 0; i < 200; i += 1) {
      const waiting = await h.sql(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%side_effects%'`,
      );
      if (waiting.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(
      await h.sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%side_effects%'`,
      ),
    ).toEqual([{ n: 1 }]);
    await sender.commitTransaction();
    await sender.release();

    expect(await delivery).toMatchObject({ delivered: true });
    await h.settle();
    expect(await h.sql(`SELECT status FROM messages WHERE wamid = 'wamid.RACE'`)).toEqual([{ status: 'delivered' }]);
  });
});
