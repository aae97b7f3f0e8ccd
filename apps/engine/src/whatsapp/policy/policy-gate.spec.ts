import { buildFlow } from '@parley/flow-templates';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { postWebhook } from '../../test-support/signed-webhook';
import { ManualClock } from '../../test-support/manual-clock';
import { Scenario } from '../../test-support/scenario';

const HOUR = 3_600_000;
const keyword = (word: string) => ({ match: 'keyword', keywords: [word], mode: 'contains', caseSensitive: false });
const text = (body: string, category = 'service') => ({
  message: { type: 'text', text: body, previewUrl: false },
  category,
  templateFallback: null,
});
const template = (name: string, category: string, bodyParameters: string[] = []) => ({
  message: {
    type: 'template',
    template: { name, language: 'en', headerFormat: 'none', headerParameter: null, bodyParameters, buttonParameters: [] },
  },
  category,
  templateFallback: null,
});

/** The policy gate through the real engine: what each rule lets through, refuses or holds back, and what the step records. */
describe('policy gate', () => {
  let h: EngineHarness;
  // A Wednesday, 11:00 in Rome.
  const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));

  beforeAll(async () => {
    // These tests watch the pacing itself, step by step.
    h = await startEngineHarness({ clock, autoPace: false, env: { SESSION_TTL_HOURS: String(24 * 90) } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function lastSteps(s: Scenario, flowId: string): Promise<Record<string, unknown>[]> {
    const [run] = await s.executions(flowId);
    return arr((await s.execution(str(run?.['id'])))['steps']).map(obj);
  }

  /** A flow: keyword -> send `config`. */
  const sendOn = (word: string, config: Record<string, unknown>, settings: Record<string, unknown> = { reentry: 'parallel' }) =>
    buildFlow(
      [
        { id: 't', type: 'trigger.inbound_message', config: keyword(word), at: [0, 0] },
        { id: 'send', type: 'whatsapp.send_message', config, at: [0, 1] },
      ],
      [['t', 'next', 'send']],
      settings,
    );

  it('STOP opts the customer out of marketing only; a resubscribe keyword brings marketing back', async () => {
    const s = await Scenario.create(h, 'stop keyword');
    const offers = await s.publish(sendOn('offer', text('20% off today', 'marketing')));
    const help = await s.publish(sendOn('help', text('How can we help?')));
    const c = s.customer('393331100001');
    await c.says('STOP');
    expect(await c.contact()).toMatchObject({ consent: { marketing: 'opted_out', transactional: 'unknown' } });
    clock.advance(60_000);
    await c.says('any offer?');
    expect(c.texts()).toEqual([]);
    const [, send] = await lastSteps(s, offers);
    expect(send).toMatchObject({
      status: 'failed',
      errorCode: 'policy:consent',
      output: { blockedBy: 'consent', numbers: { marketingConsent: 'opted_out', source: 'keyword:stop' } },
    });
    await c.says('help');
    expect(c.texts()).toEqual(['How can we help?']);
    expect((await s.executions(help))[0]).toMatchObject({ status: 'succeeded' });

    // "stop sending offers please" is not a STOP: only the keyword alone counts.
    clock.advance(60_000);
    await c.says('Start');
    expect(await c.contact()).toMatchObject({ consent: { marketing: 'opted_in' } });
    clock.advance(60_000);
    await c.says('offer please');
    expect(c.texts()).toEqual(['How can we help?', '20% off today']);
    const events = await h.sql(
      `SELECT payload->>'newValue' AS value, payload->>'source' AS source FROM events WHERE type = 'contact.field_changed' AND workspace_id = $1 ORDER BY id`,
      [s.workspace.id],
    );
    expect(events).toEqual([
      { value: 'opted_out', source: 'keyword:stop' },
      { value: 'opted_in', source: 'keyword:start' },
    ]);
  });

  it('does not unsubscribe on a sentence that merely contains "stop"', async () => {
    const s = await Scenario.create(h, 'not a stop');
    const c = s.customer('393331100002');
    await c.says('please do not stop the offers');
    expect(await c.contact()).toMatchObject({ consent: { marketing: 'unknown' } });
  });

  it('records WhatsApp’s error 131050 as a marketing opt-out so no flow tries again', async () => {
    const s = await Scenario.create(h, 'meta stop');
    const offers = await s.publish(sendOn('deal', text('A deal for you', 'marketing')));
    const c = s.customer('393331100003');
    await c.says('hello');
    await fetch(`${h.simulator.url}/sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ to: c.waId, kind: 'graph_error', code: 131050 }),
    });
    await c.says('deal?');
    expect((await s.executions(offers))[0]).toMatchObject({ status: 'failed', errorCode: '131050' });
    expect(await c.contact()).toMatchObject({ consent: { marketing: 'opted_out' } });
    clock.advance(60_000);
    await c.says('deal again');
    const [, send] = await lastSteps(s, offers);
    expect(send).toMatchObject({ errorCode: 'policy:consent' });
    expect(c.received()).toHaveLength(0);
  });

  it('refuses a message that breaks WhatsApp’s rules once its variables are filled in, naming the field, and sends nothing', async () => {
    const s = await Scenario.create(h, 'limits');
    await s.approveTemplates({
      name: 'order_code',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your code: {{1}}' }],
    });
    // A template parameter from a field the contact does not have, with no fallback: Meta refuses empty parameters.
    const flowId = await s.publish(sendOn('code', template('order_code', 'utility', ['{{ contact.fields.code }}'])));
    const c = s.customer('393331100005');
    await c.says('my code?');
    expect(c.received()).toHaveLength(0);
    const send = (await lastSteps(s, flowId)).find((step) => step['nodeId'] === 'send');
    expect(send).toMatchObject({
      status: 'failed',
      errorCode: 'invalid_message',
      errorMessage: expect.stringContaining('template.components[0].parameters[0].text: must not be empty'),
    });
    expect(await h.count('side_effects', `workspace_id = $1`, [s.workspace.id])).toBe(0);
  });

  it('judges a template by the category Meta gave it, not the one the step declares, and refuses to publish a contradiction', async () => {
    const s = await Scenario.create(h, 'template category');
    await s.approveTemplates(
      { name: 'coupon_10', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: '10% off your next order' }] },
      { name: 'order_update', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Your order is on its way' }] },
    );
    // Approved as UTILITY, so a step that says utility publishes.
    const coupon = await s.publish(sendOn('coupon', template('coupon_10', 'utility')));
    const update = await s.publish(sendOn('where', template('order_update', 'utility')));
    const unregistered = await s.publish(sendOn('gift', template('gift_card', 'utility')));
    const c = s.customer('393331100010');
    await c.says('STOP');
    expect(await c.contact()).toMatchObject({ consent: { marketing: 'opted_out' } });

    // After publishing, Meta re-categorises coupon_10 as MARKETING (template_category_update).
    const [number] = await h.sql('SELECT waba_id FROM whatsapp_numbers WHERE workspace_id = $1', [s.workspace.id]);
    const wabaId = str(number?.['waba_id']);
    const recategorised = await postWebhook(
      h.url,
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: wabaId,
            time: Math.floor(clock.now().getTime() / 1000),
            changes: [
              {
                field: 'template_category_update',
                value: {
                  message_template_name: 'coupon_10',
                  message_template_language: 'en',
                  previous_category: 'UTILITY',
                  new_category: 'MARKETING',
                },
              },
            ],
          },
        ],
      },
      { secret: h.appSecret },
    );
    expect(recategorised.status).toBe(200);
    await h.settle();
    expect(
      await h.sql('SELECT category FROM whatsapp_templates WHERE workspace_id = $1 AND name = $2', [s.workspace.id, 'coupon_10']),
    ).toEqual([{ category: 'MARKETING' }]);

    // The published step still says utility: the gate judges by Meta's category now, and consent refuses it.
    clock.advance(60_000);
    await c.says('coupon please');
    expect(c.received()).toHaveLength(0);
    const [, blocked] = await lastSteps(s, coupon);
    expect(blocked).toMatchObject({
      status: 'failed',
      errorCode: 'policy:consent',
      errorMessage: expect.stringContaining('coupon_10 (en) is MARKETING in WhatsApp’s template registry; the step says utility'),
      output: {
        blockedBy: 'consent',
        numbers: { marketingConsent: 'opted_out', category: 'marketing', categorySource: 'registry' },
        category: { applied: 'marketing', declared: 'utility', source: 'registry', registryCategory: 'MARKETING' },
      },
    });

    // A template the registry does not have is judged as marketing.
    clock.advance(60_000);
    await c.says('gift card?');
    expect(c.received()).toHaveLength(0);
    const [, unknown] = await lastSteps(s, unregistered);
    expect(unknown).toMatchObject({
      errorCode: 'policy:consent',
      output: { category: { applied: 'marketing', declared: 'utility', source: 'not_in_registry', registryCategory: null } },
    });

    // A template Meta keeps as UTILITY still reaches the customer who stopped marketing.
    clock.advance(60_000);
    await c.says('where is my order');
    expect(c.texts()).toEqual(['[template order_update]']);
    const [, sent] = await lastSteps(s, update);
    expect(sent).toMatchObject({
      status: 'succeeded',
      output: { category: { applied: 'utility', declared: 'utility', source: 'registry', registryCategory: 'UTILITY' } },
    });

    // Publishing a step that calls the MARKETING template utility is refused on the step's field, naming both.
    const created = await s.admin.post('/api/flows', {
      name: 'Mislabelled coupon',
      definition: sendOn('deal', template('coupon_10', 'utility')),
    });
    expect(created.status).toBe(201);
    const flowId = str(obj(created.body)['id']);
    const refused = await s.admin.post(`/api/flows/${flowId}/publish`, {});
    expect(refused.status).toBe(422);
    expect(arr(obj(refused.body)['issues'])).toEqual([
      {
        code: 'template_category_mismatch',
        nodeId: 'send',
        field: 'category',
        message: expect.stringMatching(/coupon_10 \(en\) is MARKETING .*this step says utility/),
      },
    ]);
    expect(await h.count('flow_versions', 'flow_id = $1', [flowId])).toBe(0);
    // Saying marketing, as Meta does, publishes.
    const draft = obj((await s.admin.get(`/api/flows/${flowId}`)).body);
    const fixed = await s.admin.put(`/api/flows/${flowId}`, {
      revision: draft['revision'],
      definition: sendOn('deal', template('coupon_10', 'marketing')),
    });
    expect(fixed.status).toBe(200);
    expect((await s.admin.post(`/api/flows/${flowId}/publish`, {})).status).toBe(201);
  });

  it('spaces messages to one recipient at least 6 s apart, queueing rather than dropping', async () => {
    const s = await Scenario.create(h, 'spacing');
    const flowId = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('menu'), at: [0, 0] },
          { id: 'one', type: 'whatsapp.send_message', config: text('First part'), at: [0, 1] },
          { id: 'two', type: 'whatsapp.send_message', config: text('Second part'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'one'],
          ['one', 'next', 'two'],
        ],
      ),
    );
    const c = s.customer('393331100004');
    await c.says('menu');
    expect(c.texts()).toEqual(['First part']);
    const waiting = (await lastSteps(s, flowId)).find((step) => step['nodeId'] === 'two');
    expect(waiting).toMatchObject({ status: 'waiting', output: { deferredBy: 'recipient_spacing', numbers: { spacingSeconds: 6 } } });
    await h.advance(3000);
    expect(c.texts()).toEqual(['First part']);
    await h.advance(3000);
    expect(c.texts()).toEqual(['First part', 'Second part']);
    expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('sends the template fallback when the window has closed, as a business-initiated utility message', async () => {
    const s = await Scenario.create(h, 'fallback');
    await s.approveTemplates({
      name: 'cart_reminder',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your cart is waiting' }],
    });
    const withFallback = {
      ...text('Your cart is waiting'),
      category: 'utility',
      templateFallback: {
        name: 'cart_reminder',
        language: 'en',
        headerFormat: 'none',
        headerParameter: null,
        bodyParameters: ['{{ contact.first_name | "there" }}'],
        buttonParameters: [],
      },
    };
    const flowId = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('cart'), at: [0, 0] },
          { id: 'wait', type: 'timing.wait', config: { amount: 2, unit: 'days' }, at: [0, 1] },
          { id: 'send', type: 'whatsapp.send_message', config: withFallback, at: [0, 2] },
        ],
        [
          ['t', 'next', 'wait'],
          ['wait', 'next', 'send'],
        ],
      ),
    );
    const c = s.customer('393331100005', 'Marta Rossi');
    await c.says('cart');
    await h.advance(49 * HOUR);
    expect(c.received()).toEqual([
      expect.objectContaining({ type: 'template', template: expect.objectContaining({ name: 'cart_reminder' }) }),
    ]);
    const send = (await lastSteps(s, flowId)).find((step) => step['nodeId'] === 'send');
    expect(send).toMatchObject({ status: 'succeeded', output: { usedFallback: true } });
    const [message] = await h.sql(
      `SELECT business_initiated, category, origin FROM messages WHERE direction = 'outbound' AND contact_id = (SELECT id FROM contacts WHERE wa_id = $1 AND workspace_id = $2)`,
      [c.waId, s.workspace.id],
    );
    expect(message).toEqual({ business_initiated: true, category: 'utility', origin: 'flow' });
  });

  it('holds marketing back during the contact’s quiet hours and sends it when they end', async () => {
    const s = await Scenario.create(h, 'quiet');
    const flowId = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('sale'), at: [0, 0] },
          { id: 'wait', type: 'timing.wait_until', config: { time: '23:00', days: [] }, at: [0, 1] },
          { id: 'send', type: 'whatsapp.send_message', config: text('Night sale!', 'marketing'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'wait'],
          ['wait', 'next', 'send'],
        ],
      ),
    );
    const c = s.customer('393331100006');
    await c.says('sale');
    await h.advance(12 * HOUR + 30 * 60_000); // 23:30 in Rome
    expect(c.received()).toHaveLength(0);
    const send = (await lastSteps(s, flowId)).find((step) => step['nodeId'] === 'send');
    expect(send).toMatchObject({
      status: 'waiting',
      output: { deferredBy: 'quiet_hours', numbers: { timeZone: 'UTC', quietHours: '21:00-08:00' } },
    });
    await h.advance(9 * HOUR);
    expect(c.texts()).toEqual(['Night sale!']);
  });

  it('refuses the same content a 6th time in 30 days, and a second promotion within a week', async () => {
    const s = await Scenario.create(h, 'frequency');
    const reminder = await s.publish(sendOn('again', text('Same reminder')));
    const promo = await s.publish(sendOn('promo', text('Weekly promo', 'marketing')));
    const c = s.customer('393331100007');
    for (let i = 0; i < 6; i += 1) {
      await c.says(`again ${i}`);
      await h.advance(10_000);
    }
    expect(c.texts().filter((t) => t === 'Same reminder')).toHaveLength(5);
    const [sixth] = await s.executions(reminder);
    expect(sixth).toMatchObject({ status: 'failed', errorCode: 'policy:same_content' });

    await c.says('promo');
    await h.advance(2 * 24 * HOUR);
    await c.says('promo');
    expect(c.texts().filter((t) => t === 'Weekly promo')).toHaveLength(1);
    expect((await s.executions(promo))[0]).toMatchObject({ status: 'failed', errorCode: 'policy:marketing_frequency' });
    await h.advance(6 * 24 * HOUR);
    await c.says('promo');
    expect(c.texts().filter((t) => t === 'Weekly promo')).toHaveLength(2);
  });

  it('blocks marketing to US numbers', async () => {
    const s = await Scenario.create(h, 'us');
    const offers = await s.publish(sendOn('offer', text('Offer', 'marketing')));
    const c = s.customer('14155550123');
    await c.says('offer');
    expect(c.received()).toHaveLength(0);
    expect((await s.executions(offers))[0]).toMatchObject({ errorCode: 'policy:us_marketing' });
  });

  it('keeps business-initiated sends within the daily recipient limit, spreading the last ones over the day', async () => {
    const s = await Scenario.create(h, 'daily limit');
    await s.approveTemplates({ name: 'hello_world', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello' }] });
    await s.settings({
      messaging: { dailyRecipientLimit: 10, batchAbovePercent: 80, marketingTemplatesNeedOptIn: false, quietHours: { enabled: false } },
    });
    const flowId = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.manual', config: {}, at: [0, 0] },
          { id: 'send', type: 'whatsapp.send_message', config: template('hello_world', 'utility'), at: [0, 1] },
        ],
        [['t', 'next', 'send']],
        { reentry: 'parallel' },
      ),
    );
    const contacts: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const created = await s.crm({
        type: 'store.visited',
        id: `visit-${i}`,
        contact: { waId: `3933311002${String(i).padStart(2, '0')}` },
      });
      contacts.push(str(created['contactId']));
    }
    for (const contactId of contacts) expect((await s.admin.post(`/api/flows/${flowId}/run`, { contactId })).status).toBe(202);
    await h.settle();
    const sentNow = h.simulator.state.sent.filter((m) => m.to.startsWith('3933311002')).length;
    expect(sentNow).toBe(8);
    const deferred = await h.sql(
      `SELECT output->>'deferredBy' AS rule, (output->'numbers'->>'limit')::int AS "limit" FROM execution_steps WHERE node_id = 'send' AND status = 'waiting' AND workspace_id = $1`,
      [s.workspace.id],
    );
    expect(deferred).toHaveLength(4);
    expect(new Set(deferred.map((d) => d['rule']))).toEqual(new Set(['daily_recipient_limit']));
    // Above 80 % the 9th and 10th recipients get slots 12 h apart; the 11th and 12th wait until the first
    // admissions leave the 24 h window, which is also when the 10th's slot comes.
    await h.advance(12 * HOUR - 1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311002'))).toHaveLength(8);
    await h.advance(1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311002'))).toHaveLength(9);
    await h.advance(12 * HOUR - 1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311002'))).toHaveLength(9);
    await h.advance(1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311002'))).toHaveLength(12);
  });

  it('paces a number at its messages-per-second limit', async () => {
    const s = await Scenario.create(h, 'throughput');
    await h.dataSource.query(`UPDATE whatsapp_numbers SET messages_per_second = 2 WHERE workspace_id = $1`, [s.workspace.id]);
    const flowId = await s.publish(sendOn('hi', text('Hi!')));
    for (let i = 0; i < 5; i += 1)
      await h.simulator.customerSends({
        phoneNumberId: s.workspace.phoneNumberId,
        from: `3933311003${String(i).padStart(2, '0')}`,
        text: 'hi',
      });
    await h.settle();
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311003'))).toHaveLength(2);
    const waiting = await h.sql(
      `SELECT output->>'deferredBy' AS rule FROM execution_steps WHERE status = 'waiting' AND workspace_id = $1`,
      [s.workspace.id],
    );
    expect(waiting.map((w) => w['rule'])).toEqual(['number_throughput', 'number_throughput', 'number_throughput']);
    await h.advance(1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311003'))).toHaveLength(4);
    await h.advance(1000);
    expect(h.simulator.state.sent.filter((m) => m.to.startsWith('3933311003'))).toHaveLength(5);
    expect((await s.executions(flowId)).map((e) => e['status'])).toEqual(Array(5).fill('succeeded'));
  });
});
