import { type EngineHarness, startEngineHarness } from './test-support/engine-harness';
import { priceReplyFlow } from './test-support/flow-fixtures';
import { arr, obj, str } from './test-support/json';

describe('first flow end to end: "price" -> reply', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates and publishes the flow through the API, then answers a signed webhook', async () => {
    const created = await h.workspace.admin.post('/api/flows', { name: 'Price question', definition: priceReplyFlow() });
    expect(created.status).toBe(201);
    const flowId = str(obj(created.body)['id']);
    const published = await h.workspace.admin.post(`/api/flows/${flowId}/publish`, {});
    expect(published.status).toBe(201);
    expect(obj(published.body)).toMatchObject({ version: 1, triggerType: 'trigger.inbound_message' });

    const customer = '393331234567';
    const sent = await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: customer,
      name: 'Giulia Rossi',
      text: 'Hi! What is the PRICE of the blue sofa?',
    });
    expect(sent.delivery).toMatchObject({ delivered: true, lastStatus: 200 });
    await h.idle();

    const replies = h.simulator.state.sent.filter((m) => m.to === customer);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: customer,
      type: 'text',
      text: { body: 'Our prices start at 10 EUR. Want a discount code?' },
    });
    expect(typeof replies[0]?.body['biz_opaque_callback_data']).toBe('string');

    const executions = await h.workspace.admin.get(`/api/executions?flowId=${flowId}`);
    expect(executions.status).toBe(200);
    const [execution] = arr(obj(executions.body)['data']).map(obj);
    expect(execution).toMatchObject({ status: 'succeeded', flowId, errorCode: null });

    const detail = await h.workspace.admin.get(`/api/executions/${str(execution?.['id'])}`);
    const steps = arr(obj(detail.body)['steps']).map(obj);
    expect(steps.map((s) => [s['nodeId'], s['status'], s['outputName']])).toEqual([
      ['trigger', 'succeeded', 'next'],
      ['reply', 'succeeded', 'next'],
    ]);
    expect(obj(steps[0]?.['input'])).toMatchObject({
      event: { type: 'message.received', payload: { text: 'Hi! What is the PRICE of the blue sofa?' } },
    });
    expect(obj(steps[1]?.['output'])).toMatchObject({ wamid: replies[0]?.wamid, waId: customer });
    for (const step of steps) {
      expect(typeof step['durationMs']).toBe('number');
      expect(Date.parse(str(step['finishedAt']))).toBeGreaterThanOrEqual(Date.parse(str(step['startedAt'])));
    }

    const contacts = await h.workspace.admin.get('/api/contacts');
    expect(arr(obj(contacts.body)['data']).map(obj)).toEqual([
      expect.objectContaining({ waId: customer, phoneE164: `+${customer}`, displayName: 'Giulia Rossi', firstName: 'Giulia' }),
    ]);
  });

  it('does not run the flow again when Meta redelivers the same message', async () => {
    const before = h.simulator.state.sent.length;
    const executionsBefore = await h.count('executions');
    const deliveriesBefore = await h.count('webhook_deliveries');
    const first = await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: '393339990000',
      name: 'Marco',
      text: 'price?',
    });
    for (let i = 0; i < 2; i += 1) {
      expect(await h.simulator.redeliver(first.wamid)).toMatchObject({ delivered: true });
    }
    await h.idle();
    expect(await h.count('webhook_deliveries')).toBe(deliveriesBefore + 3);
    expect(h.simulator.state.sent.length - before).toBe(1);
    expect((await h.count('executions')) - executionsBefore).toBe(1);
    expect(await h.count('messages', 'wamid = $1', [first.wamid])).toBe(1);
    expect(await h.count('events', 'source_id = $1', [first.wamid])).toBe(1);
  });

  it('ignores messages that do not match the trigger', async () => {
    const before = h.simulator.state.sent.length;
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393330000001', text: 'Hello there' });
    await h.idle();
    expect(h.simulator.state.sent.length).toBe(before);
    const [latest] = await h.sql('SELECT processed_at FROM events ORDER BY id DESC LIMIT 1');
    expect(latest?.['processed_at']).toBeInstanceOf(Date);
  });
});
