import { flowTemplate } from '@parley/flow-templates';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { Scenario } from '../test-support/scenario';

function highIntentDraft(): Record<string, unknown> {
  const template = flowTemplate('high-intent');
  if (!template) throw new Error('fixture: no high-intent template');
  return JSON.parse(JSON.stringify(template.document));
}

/** trigger "price" -> wait 3 days -> text. */
function waitingFlow() {
  const flow = priceReplyFlow('Still thinking about it?');
  return {
    ...flow,
    nodes: [
      ...flow.nodes,
      { id: 'wait', type: 'timing.wait', typeVersion: 1, position: { x: 0, y: 80 }, config: { amount: 3, unit: 'days' } },
    ],
    edges: [
      { id: 'e0', source: 'trigger', sourceOutput: 'next', target: 'wait' },
      { id: 'e1', source: 'wait', sourceOutput: 'next', target: 'reply' },
    ],
  };
}

/** A workspace whose replies are not spaced 6 s apart per customer, so a test reads as a conversation without waiting. */
async function scenario(h: EngineHarness, name: string): Promise<Scenario> {
  const s = await Scenario.create(h, name);
  await s.settings({ messaging: { recipientSpacingSeconds: 0 } });
  return s;
}

async function createDraft(s: Scenario, definition: unknown, name = 'Draft under test'): Promise<string> {
  const created = await s.admin.post('/api/flows', { name, definition });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  return str(obj(created.body)['id']);
}

async function stepsOf(s: Scenario, executionId: string): Promise<Array<[unknown, unknown, unknown]>> {
  const detail = obj((await s.admin.get(`/api/executions/${executionId}`)).body);
  return arr(detail['steps'])
    .map(obj)
    .map((step) => [step['nodeId'], step['status'], step['outputName']]);
}

describe('test runs of drafts (simulator on)', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs the unpublished flow 1 for a simulated customer: the coupon reaches the simulator, nothing is published or counted as live', async () => {
    const s = await scenario(h, 'test run flow 1');
    const flowId = await createDraft(s, highIntentDraft(), 'High intent');
    // A published flow on the same words must not react to the test event.
    const liveId = await s.publish(priceReplyFlow('Live price answer'), 'Live price flow');
    const ada = s.customer('393330001001', 'Ada');
    await ada.says('What is the price of the sofa?');
    await ada.says('price for delivery?');
    expect(ada.texts()).toEqual(['Live price answer', 'Live price answer']);

    const sample = await s.admin.get(`/api/flows/${flowId}/test-runs/sample-event`);
    expect(sample.status).toBe(200);
    expect(obj(sample.body)).toMatchObject({ type: 'message.received', eventTypes: ['message.received'] });
    expect(str(obj(obj(sample.body)['payload'])['text'])).toMatch(/how much|quanto/i);

    const customers = await s.admin.get('/api/test-runs/customers');
    expect(customers.status).toBe(200);
    expect(obj(customers.body)).toMatchObject({ available: true, reason: null });
    expect(arr(obj(customers.body)['customers']).map(obj)).toContainEqual(
      expect.objectContaining({ waId: ada.waId, name: 'Ada', lastMessage: 'price for delivery?' }),
    );

    const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, { customer: { waId: ada.waId } });
    expect(run.status).toBe(201);
    const executionId = str(obj(run.body)['executionId']);
    await h.settle();

    expect(await stepsOf(s, executionId)).toEqual([
      ['asked-price', 'succeeded', 'next'],
      ['three-times', 'succeeded', 'true'],
      ['coupon', 'succeeded', 'next'],
      ['send-code', 'succeeded', 'next'],
      ['mark', 'succeeded', 'next'],
    ]);
    const detail = obj((await s.admin.get(`/api/executions/${executionId}`)).body);
    expect(detail).toMatchObject({ testMode: true, status: 'succeeded', flowId, pendingWait: null });
    const texts = ada.texts();
    expect(texts).toHaveLength(3);
    expect(texts[2]).toMatch(/10% off your order: PRICE-[A-Z2-9]{8}/);

    // The test event reached no live flow, the draft is still unpublished, and the test version is not in the history.
    expect(texts.filter((t) => t === 'Live price answer')).toHaveLength(2);
    expect(await h.count('executions', 'flow_id = $1', [liveId])).toBe(2);
    const flow = obj((await s.admin.get(`/api/flows/${flowId}`)).body);
    expect(flow).toMatchObject({ status: 'draft', publishedVersion: null });
    expect(obj((await s.admin.get(`/api/flows/${flowId}/versions`)).body)).toEqual({ data: [] });
    // The test event is the customer's own message, delivered by the simulator's signed webhook and stored like any other.
    const [event] = await h.sql('SELECT source, source_id, processed_at FROM events WHERE id = $1', [str(obj(run.body)['eventId'])]);
    expect(event).toMatchObject({ source: 'whatsapp', processed_at: expect.any(Date) });
    const [message] = await h.sql('SELECT direction, text FROM messages WHERE wamid = $1', [event?.['source_id']]);
    expect(message).toMatchObject({ direction: 'inbound', text: str(obj(obj(sample.body)['payload'])['text']) });
    expect(await h.count('audit_log', `action = 'flow.test_run' AND subject_id = $1`, [flowId])).toBe(1);

    // Publishing afterwards starts at version 1: test versions do not take numbers.
    const published = await s.admin.post(`/api/flows/${flowId}/publish`, {});
    expect(published.status).toBe(201);
    expect(obj(published.body)).toMatchObject({ version: 1 });
  });

  it('testing the same draft revision twice reuses its frozen version; an edit freezes a new one', async () => {
    const s = await scenario(h, 'test versions');
    const flowId = await createDraft(s, priceReplyFlow('First wording'));
    const first = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001101', name: 'Tester' },
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    const second = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001101' },
      event: { type: 'message.received', payload: { text: 'price!' } },
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(obj(second.body)['flowVersionId']).toBe(obj(first.body)['flowVersionId']);
    const draft = obj((await s.admin.get(`/api/flows/${flowId}`)).body);
    const saved = await s.admin.put(`/api/flows/${flowId}`, { revision: draft['revision'], definition: priceReplyFlow('Second wording') });
    expect(saved.status).toBe(200);
    const third = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001101' },
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    expect(third.status).toBe(201);
    // Each run replays on exactly what it ran, even after the draft moved on.
    const ran = obj((await s.admin.get(`/api/executions/${str(obj(first.body)['executionId'])}/flow-version`)).body);
    expect(ran).toMatchObject({ id: obj(first.body)['flowVersionId'], kind: 'test' });
    expect(JSON.stringify(ran['definition'])).toContain('First wording');
    expect(obj(third.body)['flowVersionId']).not.toBe(obj(first.body)['flowVersionId']);
    await h.settle();
    const sent = h.simulator.state.sent.filter((m) => m.to === '393330001101').map((m) => JSON.stringify(m.body));
    expect(sent.filter((b) => b.includes('First wording'))).toHaveLength(2);
    expect(sent.filter((b) => b.includes('Second wording'))).toHaveLength(1);
  });

  it('a customer message is the simulated customer writing: signed webhook, stored, window open on both sides; three price questions bring the coupon', async () => {
    const s = await scenario(h, 'test run customer writes');
    const flowId = await createDraft(s, highIntentDraft(), 'High intent');
    // A published flow on the same words must not react to any test message.
    const liveId = await s.publish(priceReplyFlow('Live price answer'), 'Live price flow');
    const waId = '393330001100';
    const runIds: string[] = [];
    for (const text of ['How much is the sofa?', 'price for delivery?', 'quanto costa?']) {
      const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
        customer: { waId, name: 'Fresh Fran' },
        event: { type: 'message.received', payload: { text } },
      });
      expect(run.status).toBe(201);
      runIds.push(str(obj(run.body)['executionId']));
      await h.settle();
    }
    // The customer never wrote before the first run: the test message opened the window, as it would live.
    const [contact] = await h.sql('SELECT id, simulated, display_name, last_inbound_at FROM contacts WHERE wa_id = $1', [waId]);
    expect(contact).toMatchObject({ simulated: true, display_name: 'Fresh Fran', last_inbound_at: expect.any(Date) });
    const user = h.simulator.state.users.get(waId);
    expect(user?.name).toBe('Fresh Fran');
    expect(user?.lastInboundAt.get(s.workspace.phoneNumberId)).toBeInstanceOf(Date);
    expect(h.simulator.state.inbound.filter((m) => m.from === waId).map((m) => [m.text, m.webhook])).toEqual([
      ['How much is the sofa?', 'delivered'],
      ['price for delivery?', 'delivered'],
      ['quanto costa?', 'delivered'],
    ]);
    expect(await h.count('messages', `contact_id = $1 AND direction = 'inbound'`, [contact?.['id']])).toBe(3);

    // The first two questions take the "no" branch; the third counts three and sends the coupon to the simulator.
    expect(await stepsOf(s, runIds[0] ?? '')).toEqual([
      ['asked-price', 'succeeded', 'next'],
      ['three-times', 'succeeded', 'false'],
    ]);
    expect(await stepsOf(s, runIds[2] ?? '')).toEqual([
      ['asked-price', 'succeeded', 'next'],
      ['three-times', 'succeeded', 'true'],
      ['coupon', 'succeeded', 'next'],
      ['send-code', 'succeeded', 'next'],
      ['mark', 'succeeded', 'next'],
    ]);
    const sent = h.simulator.state.sent.filter((m) => m.to === waId).map((m) => JSON.stringify(m.body));
    expect(sent).toEqual([expect.stringMatching(/10% off your order: PRICE-[A-Z2-9]{8}/)]);

    // Every run is a test execution of the frozen draft; the live flow saw none of the three messages.
    const executions = await h.sql('SELECT flow_id, test_mode FROM executions WHERE contact_id = $1 ORDER BY started_at', [
      contact?.['id'],
    ]);
    expect(executions).toEqual([
      { flow_id: flowId, test_mode: true },
      { flow_id: flowId, test_mode: true },
      { flow_id: flowId, test_mode: true },
    ]);
    expect(await h.count('executions', 'flow_id = $1', [liveId])).toBe(0);
    expect(await h.count('events', `contact_id = $1 AND type = 'message.received' AND processed_at IS NULL`, [contact?.['id']])).toBe(0);
    const [version] = await h.sql('SELECT kind FROM flow_versions WHERE id = (SELECT flow_version_id FROM executions WHERE id = $1)', [
      runIds[2],
    ]);
    expect(version).toEqual({ kind: 'test' });
  });

  it('other test events are stored as already handled for the simulated contact; a customer who never wrote has no window', async () => {
    const s = await scenario(h, 'test run crm event');
    const flow = priceReplyFlow('Thanks for your order');
    const definition = {
      ...flow,
      nodes: [{ ...flow.nodes[0], id: 'trigger', type: 'trigger.crm_event', config: { eventType: 'order.created' } }, flow.nodes[1]],
    };
    const flowId = await createDraft(s, definition, 'Order thanks');
    const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001150', name: 'Quiet Quinn' },
      event: { type: 'order.created', payload: { orderId: 'T-1', status: 'created' } },
    });
    expect(run.status).toBe(201);
    await h.settle();
    const [event] = await h.sql('SELECT source, processed_at FROM events WHERE id = $1', [str(obj(run.body)['eventId'])]);
    expect(event).toMatchObject({ source: 'test', processed_at: expect.any(Date) });
    const steps = arr(obj((await s.admin.get(`/api/executions/${str(obj(run.body)['executionId'])}`)).body)['steps']).map(obj);
    expect(steps[1]).toMatchObject({ nodeId: 'reply', status: 'failed', errorCode: 'policy:customer_service_window' });
    expect(h.simulator.state.inbound.filter((m) => m.from === '393330001150')).toEqual([]);
  });

  it('refuses bad requests with a clear error and stores nothing', async () => {
    const s = await scenario(h, 'test run errors');
    const flowId = await createDraft(s, priceReplyFlow());
    const before = {
      events: await h.count('events'),
      executions: await h.count('executions'),
      contacts: await h.count('contacts'),
      versions: await h.count('flow_versions'),
    };
    const cases: Array<[unknown, number, RegExp]> = [
      [{ customer: { waId: '+39 333' } }, 400, /waId/],
      [{ customer: { waId: '393330001201' }, event: { type: 'message.exploded' } }, 400, /not an event type/],
      [{ customer: { waId: '393330001201' }, event: { type: 'order.paid', payload: {} } }, 400, /starts on message\.received/],
      [{ customer: { waId: '393330001201' }, event: { type: 'message.received', payload: { text: 42 } } }, 400, /payload\.text/],
      [{ customer: { waId: '393330001201' }, extra: true }, 400, /extra|Unrecognized/i],
      [
        { customer: { waId: '393330001201' }, event: { type: 'message.received', payload: { text: 'hello there' } } },
        422,
        /would not start the flow/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const response = await s.admin.post(`/api/flows/${flowId}/test-runs`, body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    const notMatched = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001201' },
      event: { type: 'message.received', payload: { text: 'hello' } },
    });
    expect(obj(notMatched.body)['code']).toBe('trigger_not_matched');

    const broken = priceReplyFlow();
    const invalidId = await createDraft(s, { ...broken, edges: [] }, 'Disconnected');
    const invalid = await s.admin.post(`/api/flows/${invalidId}/test-runs`, { customer: { waId: '393330001201' } });
    expect(invalid.status).toBe(422);
    expect(obj(invalid.body)).toMatchObject({ code: 'invalid_flow' });
    expect(arr(obj(invalid.body)['issues']).length).toBeGreaterThan(0);

    const missing = await s.admin.post('/api/flows/00000000-0000-4000-8000-000000000000/test-runs', { customer: { waId: '393330001201' } });
    expect(missing.status).toBe(404);
    expect(await h.count('events')).toBe(before.events);
    expect(await h.count('executions')).toBe(before.executions);
    expect(await h.count('contacts')).toBe(before.contacts);
    expect(await h.count('flow_versions')).toBe(before.versions);

    // A simulator that cannot reach the engine's webhook (here: a wrong app secret) starts no run and stores no event; the
    // unused claim stays, so a late redelivery of that message would still go to the test run, never to a live flow.
    const claimsBefore = await h.count('test_run_messages');
    h.simulator.setWebhook({ url: `${h.url}/webhooks/whatsapp`, appSecret: 'not-the-app-secret' });
    try {
      const undelivered = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
        customer: { waId: '393330001202' },
        event: { type: 'message.received', payload: { text: 'price?' } },
      });
      expect(undelivered.status).toBe(503);
      expect(obj(undelivered.body)).toMatchObject({ code: 'simulator_delivery_failed' });
    } finally {
      h.simulator.setWebhook({ url: `${h.url}/webhooks/whatsapp`, appSecret: h.appSecret });
    }
    expect(await h.count('test_run_messages')).toBe(claimsBefore + 1);
    expect(await h.count('test_run_messages', 'execution_id IS NULL')).toBe(1);
    expect(await h.count('executions')).toBe(before.executions);
    expect(await h.count('events')).toBe(before.events);

    const support = await s.workspace.user('support');
    expect((await support.post(`/api/flows/${flowId}/test-runs`, { customer: { waId: '393330001201' } })).status).toBe(403);
    expect((await support.get('/api/test-runs/customers')).status).toBe(403);
  });

  it('skips delays when asked; otherwise the run waits until "skip wait" is pressed; live runs cannot be hurried', async () => {
    const s = await scenario(h, 'test run waits');
    const flowId = await createDraft(s, waitingFlow());
    const customer = { waId: '393330001301', name: 'Waiting Wanda' };
    await s.customer(customer.waId, customer.name).says('hello');
    const quick = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer,
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    expect(quick.status).toBe(201);
    await h.settle();
    const quickId = str(obj(quick.body)['executionId']);
    expect(await stepsOf(s, quickId)).toEqual([
      ['trigger', 'succeeded', 'next'],
      ['wait', 'succeeded', 'next'],
      ['reply', 'succeeded', 'next'],
    ]);
    const waitStep = arr(obj((await s.admin.get(`/api/executions/${quickId}`)).body)['steps']).map(obj)[1];
    expect(obj(waitStep?.['decision'])).toMatchObject({ skippedInTest: true });
    expect(Date.parse(str(obj(waitStep?.['decision'])['wouldResumeAt'])) - Date.now()).toBeGreaterThan(2.9 * 24 * 3_600_000);

    const slow = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer,
      event: { type: 'message.received', payload: { text: 'price?' } },
      skipWaits: false,
    });
    expect(slow.status).toBe(201);
    const slowId = str(obj(slow.body)['executionId']);
    await h.settle();
    const waiting = obj((await s.admin.get(`/api/executions/${slowId}`)).body);
    expect(waiting).toMatchObject({ status: 'waiting', skipWaits: false, pendingWait: { nodeId: 'wait', kind: 'delay', eventType: null } });
    const dueAt = Date.parse(str(obj(waiting['pendingWait'])['dueAt']));
    expect(dueAt - Date.now()).toBeGreaterThan(2.9 * 24 * 3_600_000);
    const repliesBefore = h.simulator.state.sent.filter((m) => m.to === customer.waId).length;

    const skipped = await s.admin.post(`/api/executions/${slowId}/skip-wait`);
    expect(skipped.status).toBe(200);
    await h.settle();
    expect(obj((await s.admin.get(`/api/executions/${slowId}`)).body)).toMatchObject({ status: 'succeeded', pendingWait: null });
    expect(h.simulator.state.sent.filter((m) => m.to === customer.waId).length).toBe(repliesBefore + 1);
    expect((await s.admin.post(`/api/executions/${slowId}/skip-wait`)).status).toBe(409);

    // A live run of the published flow waits its three days, whatever anyone presses.
    await s.admin.post(`/api/flows/${flowId}/publish`, {});
    await s.customer('393330001302', 'Live Lia').says('price?');
    const [live] = await h.sql(`SELECT id FROM executions WHERE flow_id = $1 AND NOT test_mode`, [flowId]);
    const liveSkip = await s.admin.post(`/api/executions/${str(live?.['id'])}/skip-wait`);
    expect(liveSkip.status).toBe(409);
    expect(JSON.stringify(liveSkip.body)).toMatch(/Only a test run/);
  });

  it("a test run of a once-per-contact flow does not use up the customer's one live entry", async () => {
    const s = await scenario(h, 'test run entry rules');
    const document = { ...priceReplyFlow('Once only'), settings: { oncePerContact: true } };
    const flowId = await s.publish(document, 'Once');
    await s.customer('393330001401').says('hello');
    const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330001401' },
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    expect(run.status).toBe(201);
    await h.settle();
    await s.customer('393330001401').says('price, for real');
    expect(await h.count('executions', `flow_id = $1 AND NOT test_mode AND status = 'succeeded'`, [flowId])).toBe(1);
    expect(h.simulator.state.sent.filter((m) => m.to === '393330001401')).toHaveLength(2);
  });
});

describe('test runs on an installation that sends to Meta', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    // "Meta" is an address nothing answers on: any message that went there would fail, not arrive.
    h = await startEngineHarness({ env: { WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('test messages and every message to a simulated contact go to the simulator; real contacts cannot be used', async () => {
    const s = await scenario(h, 'real meta');
    const flowId = await createDraft(s, priceReplyFlow('Test reply'));
    const body = { customer: { waId: '393330002001', name: 'Sim' }, event: { type: 'message.received', payload: { text: 'price?' } } };
    // New to the simulator: the simulated customer writes through it, and the reply goes to the simulator, never to Meta.
    const first = await s.admin.post(`/api/flows/${flowId}/test-runs`, body);
    expect(first.status).toBe(201);
    await h.settle();
    expect(await stepsOf(s, str(obj(first.body)['executionId']))).toContainEqual(['reply', 'succeeded', 'next']);
    // The simulated customer writes from the simulator's phone and stays simulated.
    await s.customer('393330002001', 'Sim').says('hello');
    expect(await h.count('contacts', `wa_id = '393330002001' AND simulated`)).toBe(1);
    const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, body);
    expect(run.status).toBe(201);
    await h.settle();
    expect(await stepsOf(s, str(obj(run.body)['executionId']))).toContainEqual(['reply', 'succeeded', 'next']);
    expect(h.simulator.state.sent.filter((m) => m.to === '393330002001')).toHaveLength(2);

    // A live flow answering the simulated customer also reaches the simulator, not Meta.
    await s.publish(priceReplyFlow('Live reply'), 'Live');
    await s.customer('393330002001', 'Sim').says('price again');
    expect(s.customer('393330002001').texts()).toEqual(['Test reply', 'Test reply', 'Live reply']);

    // A real customer (a contact that came from the CRM) is never a test subject.
    await s.crm({ type: 'order.created', id: 'R-1', contact: { phone: '+393330002002', firstName: 'Real' }, order: { id: 'R-1' } });
    expect(await h.count('contacts', `wa_id = '393330002002' AND NOT simulated`)).toBe(1);
    const refused = await s.admin.post(`/api/flows/${flowId}/test-runs`, {
      customer: { waId: '393330002002' },
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    expect(refused.status).toBe(409);
    expect(obj(refused.body)).toMatchObject({ code: 'real_contact' });
  });
});

describe('test runs without a simulator', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness({ env: { SIMULATOR_URL: '' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('says test runs need the simulator and runs nothing', async () => {
    const s = await scenario(h, 'no simulator');
    const flowId = await createDraft(s, priceReplyFlow());
    const customers = await s.admin.get('/api/test-runs/customers');
    expect(customers.status).toBe(200);
    expect(obj(customers.body)).toMatchObject({ available: false, customers: [] });
    expect(str(obj(customers.body)['reason'])).toMatch(/SIMULATOR_URL/);
    const before = await h.count('executions');
    const run = await s.admin.post(`/api/flows/${flowId}/test-runs`, { customer: { waId: '393330003001' } });
    expect(run.status).toBe(409);
    expect(obj(run.body)).toMatchObject({ code: 'simulator_unavailable' });
    expect(await h.count('executions')).toBe(before);
  });
});
