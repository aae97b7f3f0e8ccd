import { deliverWebhook, statusPayload } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

/**
 * A step that meets a passing database fault is not a failed run. Here Meta
 * takes the reply, and then the disk is full when the engine records Meta's
 * answer (PostgreSQL's SQLSTATE 53100, raised by a trigger as the server
 * raises it): the run must not end "failed" with an internal error. It is
 * tried again, finds its send claimed, never sends twice, and is settled by
 * Meta's status webhook once space is back.
 */
describe('a step during a passing database fault', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    const settings = await h.workspace.admin.request('PATCH', '/api/workspace/settings', {
      messaging: { recipientSpacingSeconds: 0, sameContentPer30Days: 1000 },
    });
    expect(settings.status).toBe(200);
    const created = await h.workspace.admin.post('/api/flows', { name: 'Price', definition: priceReplyFlow('Full-disk reply', 'price') });
    const flowId = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`, {})).status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
  });

  it('is retried, never sends twice, and succeeds once the send is reconciled', async () => {
    await h.dataSource.query(`
      CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100';
      END $$;
      CREATE TRIGGER test_disk_full BEFORE INSERT ON messages FOR EACH ROW WHEN (NEW.direction = 'outbound')
        EXECUTE FUNCTION test_disk_full();
    `);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393339000001', text: 'price please' });
    await h.idle();
    const sent = () => h.simulator.state.sent.filter((m) => m.to === '393339000001');
    expect(sent()).toHaveLength(1);
    const [run] = await h.sql(
      `SELECT x.id, x.status FROM executions x JOIN contacts c ON c.id = x.contact_id WHERE c.wa_id = '393339000001'`,
    );
    expect(run?.['status']).not.toBe('failed');

    await h.dataSource.query('DROP TRIGGER test_disk_full ON messages; DROP FUNCTION test_disk_full()');
    await h.settle();
    // Meta took the reply: its status webhook, carrying our key, settles the send whose answer could not be recorded.
    const reply = sent()[0];
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!reply || !number) throw new Error('no reply or number');
    const callbackData = obj(reply.body)['biz_opaque_callback_data'];
    expect(
      await deliverWebhook(
        { url: `${h.url}/webhooks/whatsapp`, appSecret: h.appSecret },
        statusPayload({
          number,
          wamid: reply.wamid,
          recipient: '393339000001',
          status: 'sent',
          at: new Date(),
          callbackData: str(callbackData),
          error: null,
        }),
        { maxAttempts: 1, firstDelayMs: 0 },
      ),
    ).toMatchObject({ delivered: true });
    await h.settle();

    const execution = obj((await h.workspace.admin.get(`/api/executions/${str(run?.['id'])}`)).body);
    expect(execution).toMatchObject({ status: 'succeeded' });
    expect(arr(execution['steps']).map((s) => obj(s)['errorCode'] ?? null)).not.toContain('internal_error');
    expect(sent()).toHaveLength(1);
    expect(await h.sql('SELECT text FROM messages WHERE wamid = $1', [reply.wamid])).toEqual([{ text: 'Full-disk reply' }]);
  });
});
