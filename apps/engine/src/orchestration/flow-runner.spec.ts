import { deliverWebhook, statusPayload } from '@parley/whatsapp-simulator';
import { SweeperService } from './sweeper.service';
import { EventProcessorService } from './event-processor.service';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

/**
 * These tests recreate the rows a process leaves behind when it is killed at
 * a given instant, then let the engine pick up, as it does after a restart.
 */
describe('resuming executions after a crash', () => {
  let h: EngineHarness;
  let flowId: string;
  let versionId: string;
  let contactId: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    // These tests replay one reply to one contact many times within seconds, on the real clock; pacing and
    // content frequency are the policy gate's business, tested in policy-gate.spec.ts, so they are off here.
    const settings = await h.workspace.admin.request('PATCH', '/api/workspace/settings', {
      messaging: { recipientSpacingSeconds: 0, sameContentPer30Days: 1000 },
    });
    expect(settings.status).toBe(200);
    const created = await h.workspace.admin.post('/api/flows', { name: 'Price', definition: priceReplyFlow('Crash-safe reply', 'crash') });
    flowId = str(obj(created.body)['id']);
    versionId = str(obj((await h.workspace.admin.post(`/api/flows/${flowId}/publish`, {})).body)['id']);
    // A first, normal run creates the contact and opens its 24 h window on the simulator.
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393334000001', text: 'hello crash' });
    await h.idle();
    const contact: unknown = await h.dataSource.query(`SELECT id FROM contacts WHERE wa_id = '393334000001'`);
    contactId = str(obj(arr(contact)[0])['id']);
  });
  afterAll(async () => {
    await h.close();
  });

  const sentToContact = () => h.simulator.state.sent.filter((m) => m.to === '393334000001').length;

  /** An event whose execution was interrupted at the reply step, as a killed process leaves it. */
  async function interruptedAtReply(label: string): Promise<{ eventId: string; executionId: string }> {
    const event: unknown = await h.dataSource.query(
      `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, payload)
       VALUES ($1, $2, 'message.received', 'whatsapp', $3, now(), $4) RETURNING id::text AS id`,
      [
        h.workspace.id,
        contactId,
        `wamid.${label}`,
        JSON.stringify({ wamid: `wamid.${label}`, phoneNumberId: h.workspace.phoneNumberId, messageType: 'text', text: 'crash please' }),
      ],
    );
    const eventId = str(obj(arr(event)[0])['id']);
    const execution: unknown = await h.dataSource.query(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id)
       VALUES ($1, $2, $3, $4, $5, 'running', 'reply') RETURNING id`,
      [h.workspace.id, flowId, versionId, contactId, eventId],
    );
    const executionId = str(obj(arr(execution)[0])['id']);
    await h.dataSource.query(
      `INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, started_at, finished_at, output_name)
       VALUES ($1, $2, 1, 'trigger', 'trigger.inbound_message', 1, 'succeeded', now(), now(), 'next'),
              ($1, $2, 2, 'reply', 'whatsapp.send_message', 1, 'running', now(), NULL, NULL)`,
      [h.workspace.id, executionId],
    );
    return { eventId, executionId };
  }

  async function execution(id: string) {
    return obj((await h.workspace.admin.get(`/api/executions/${id}`)).body);
  }

  it('re-runs the step that was in flight when no send had started, and sends once', async () => {
    const before = sentToContact();
    const { executionId } = await interruptedAtReply('resume1');
    await h.app.get(EventProcessorService).processContact(contactId);
    const result = await execution(executionId);
    expect(result).toMatchObject({ status: 'succeeded' });
    const steps = arr(result['steps']).map(obj);
    expect(steps.map((s) => [s['nodeId'], s['status'], s['attempt']])).toEqual([
      ['trigger', 'succeeded', 1],
      ['reply', 'succeeded', 2],
    ]);
    expect(sentToContact()).toBe(before + 1);
  });

  it("never resends when the crash came after the send was recorded; Meta's status webhook settles it", async () => {
    const before = sentToContact();
    const { executionId } = await interruptedAtReply('resume2');
    const key = `${executionId}:reply:0`;
    const request = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '393334000001',
      type: 'text',
      text: { body: 'Crash-safe reply' },
      biz_opaque_callback_data: key,
    };
    await h.dataSource.query(
      `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, node_id, kind, status, request)
       VALUES ($1, $2, $3, 'reply', 'whatsapp.send', 'pending', $4)`,
      [key, h.workspace.id, executionId, JSON.stringify(request)],
    );
    await h.app.get(EventProcessorService).processContact(contactId);
    expect(await execution(executionId)).toMatchObject({ status: 'waiting' });
    expect(sentToContact()).toBe(before);
    expect(await h.sql('SELECT status FROM side_effects WHERE idempotency_key = $1', [key])).toEqual([{ status: 'unknown' }]);

    // The call had reached Meta before the crash: its status webhook names our key.
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('no simulated number');
    const payload = statusPayload({
      number,
      wamid: 'wamid.LOST',
      recipient: '393334000001',
      status: 'sent',
      at: new Date(),
      callbackData: key,
      error: null,
    });
    expect(
      await deliverWebhook({ url: `${h.url}/webhooks/whatsapp`, appSecret: h.appSecret }, payload, { maxAttempts: 1, firstDelayMs: 0 }),
    ).toMatchObject({ delivered: true });
    await h.settle();
    const result = await execution(executionId);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(
      obj(
        arr(result['steps'])
          .map(obj)
          .find((s) => s['nodeId'] === 'reply' && s['status'] === 'succeeded')?.['output'],
      ),
    ).toMatchObject({ wamid: 'wamid.LOST', reconciled: true });
    expect(await h.sql(`SELECT text, status FROM messages WHERE wamid = 'wamid.LOST'`)).toEqual([
      { text: 'Crash-safe reply', status: 'sent' },
    ]);
    expect(sentToContact()).toBe(before);
  });

  it('reuses the recorded result when the send had succeeded before the crash', async () => {
    const before = sentToContact();
    const { executionId } = await interruptedAtReply('resume3');
    await h.dataSource.query(
      `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, node_id, kind, status, request, result)
       VALUES ($1, $2, $3, 'reply', 'whatsapp.send', 'succeeded', '{}', '{"wamid":"wamid.EARLIER","waId":"393334000001"}')`,
      [`${executionId}:reply:0`, h.workspace.id, executionId],
    );
    await h.app.get(EventProcessorService).processContact(contactId);
    const result = await execution(executionId);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(obj(arr(result['steps']).map(obj)[1]?.['output'])).toEqual({
      wamid: 'wamid.EARLIER',
      waId: '393334000001',
      usedFallback: false,
    });
    expect(sentToContact()).toBe(before);
  });

  it('does not start a second execution for an event that already has one', async () => {
    const { eventId } = await interruptedAtReply('resume4');
    await h.app.get(EventProcessorService).processContact(contactId);
    const rows: unknown = await h.dataSource.query('SELECT count(*)::int AS n FROM executions WHERE trigger_event_id = $1', [eventId]);
    expect(Number(obj(arr(rows)[0])['n'])).toBe(1);
  });

  it('picks up events left unprocessed by a dead process through the sweeper', async () => {
    const before = sentToContact();
    const event: unknown = await h.dataSource.query(
      `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
       VALUES ($1, $2, 'message.received', 'whatsapp', 'wamid.orphan', now(), now() - interval '1 minute', $3) RETURNING id::text AS id`,
      [
        h.workspace.id,
        contactId,
        JSON.stringify({ wamid: 'wamid.orphan', phoneNumberId: h.workspace.phoneNumberId, messageType: 'text', text: 'crash orphan' }),
      ],
    );
    const eventId = str(obj(arr(event)[0])['id']);
    expect(await h.app.get(SweeperService).sweep(1000)).toBeGreaterThanOrEqual(1);
    await h.idle();
    const processed: unknown = await h.dataSource.query('SELECT processed_at FROM events WHERE id = $1', [eventId]);
    expect(obj(arr(processed)[0])['processed_at']).toBeInstanceOf(Date);
    expect(sentToContact()).toBe(before + 1);
  });

  it('handles one contact’s events in the order they happened', async () => {
    const ids: string[] = [];
    for (const [label, minutesAgo] of [
      ['late', 1],
      ['early', 3],
      ['middle', 2],
    ] as const) {
      const row: unknown = await h.dataSource.query(
        `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, payload)
         VALUES ($1, $2, 'message.received', 'whatsapp', $3, now() - make_interval(mins => $4), $5) RETURNING id::text AS id`,
        [
          h.workspace.id,
          contactId,
          `wamid.order-${label}`,
          minutesAgo,
          JSON.stringify({ wamid: `wamid.order-${label}`, phoneNumberId: '1', messageType: 'text', text: `crash ${label}` }),
        ],
      );
      ids.push(str(obj(arr(row)[0])['id']));
    }
    await h.app.get(EventProcessorService).processContact(contactId);
    const order: unknown = await h.dataSource.query(
      `SELECT e.source_id FROM executions x JOIN events e ON e.id = x.trigger_event_id WHERE e.id = ANY($1) ORDER BY (SELECT min(s.id) FROM execution_steps s WHERE s.execution_id = x.id)`,
      [ids],
    );
    expect(arr(order).map((r) => obj(r)['source_id'])).toEqual(['wamid.order-early', 'wamid.order-middle', 'wamid.order-late']);
  });
});
