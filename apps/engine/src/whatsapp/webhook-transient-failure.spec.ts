import { inboundTextPayload, newWamid } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { str } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * A delivery that meets a passing database fault (here PostgreSQL's
 * "disk full", SQLSTATE 53100, raised by a trigger as the server raises it
 * when a table cannot grow) is tried again for as long as the fault lasts,
 * never parked: parking is for deliveries every attempt would fail the same way.
 */
describe('a webhook delivery during a passing database fault', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('is retried past the parking limit while the disk is full, then stored once when space returns', async () => {
    await h.dataSource.query(`
      CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100';
      END $$;
      CREATE TRIGGER test_disk_full BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_disk_full();
    `);
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('no simulated number');
    const wamid = newWamid();
    const payload = inboundTextPayload({ number, from: '393338000001', name: 'Sara', wamid, text: 'price please', sentAt: new Date() });
    expect((await postWebhook(h.url, payload, { secret: h.appSecret })).status).toBe(200);
    const [delivery] = await h.sql('SELECT id::text AS id FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
    const id = str(delivery?.['id']);

    const processor = h.app.get(WebhookProcessorService);
    // Past the parking limit (5 attempts); a call that finds the delivery held by the background attempt skips it.
    const attempts = async () => Number((await h.sql('SELECT attempts FROM webhook_deliveries WHERE id = $1', [id]))[0]?.['attempts']);
    for (let call = 0; call < 100 && (await attempts()) < 8; call += 1) await processor.process(id).catch(() => null);
    await h.idle();
    expect(
      await h.sql('SELECT status, processed_at, attempts >= 8 AS retried, last_error FROM webhook_deliveries WHERE id = $1', [id]),
    ).toEqual([{ status: 'pending', processed_at: null, retried: true, last_error: 'could not extend file: No space left on device' }]);

    await h.dataSource.query('DROP TRIGGER test_disk_full ON messages; DROP FUNCTION test_disk_full()');
    await h.settle();
    expect(await h.sql('SELECT status FROM webhook_deliveries WHERE id = $1', [id])).toEqual([{ status: 'processed' }]);
    expect(await h.count('messages', 'wamid = $1', [wamid])).toBe(1);
  });
});
