import { buildFlow } from '@parley/flow-templates';
import { signWebhookBody, toAsciiJson } from '@parley/whatsapp';
import { SchedulerService } from './scheduler.service';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

const HOUR = 3_600_000;
const text = (body: string, extra: Record<string, unknown> = {}) => ({
  message: { type: 'text', text: body, previewUrl: false },
  category: 'service',
  templateFallback: null,
  ...extra,
});
const keyword = (word: string) => ({ match: 'keyword', keywords: [word], mode: 'contains', caseSensitive: false });

/** Every node type and engine rule, exercised through the real engine with a hand-moved clock. */
describe('engine behaviours', () => {
  let h: EngineHarness;
  const clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({ clock, env: { SESSION_TTL_HOURS: String(24 * 90), WHATSAPP_SEND_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function steps(s: Scenario, flowId: string, index = 0): Promise<Record<string, unknown>[]> {
    const runs = await s.executions(flowId);
    const run = runs[index];
    if (!run) throw new Error('no execution');
    return arr((await s.execution(str(run['id'])))['steps']).map(obj);
  }

  describe('pauses (human takeover)', () => {
    it('holds a running execution before its next send while the contact is paused, and continues after resume', async () => {
      const s = await Scenario.create(h, 'hold');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('hold'), at: [0, 0] },
            { id: 'first', type: 'whatsapp.send_message', config: text('First'), at: [0, 1] },
            { id: 'wait', type: 'timing.wait', config: { amount: 1, unit: 'hours' }, at: [0, 2] },
            { id: 'second', type: 'whatsapp.send_message', config: text('Second'), at: [0, 3] },
          ],
          [
            ['t', 'next', 'first'],
            ['first', 'next', 'wait'],
            ['wait', 'next', 'second'],
          ],
        ),
      );
      const vic = s.customer('393330002001', 'Vic');
      await vic.says('hold on');
      expect(vic.texts()).toEqual(['First']);
      const contactId = str((await vic.contact())['id']);
      expect((await s.admin.post(`/api/contacts/${contactId}/pause`, { reason: 'VIP call' })).status).toBe(201);
      // Inbound messages during the pause are still stored and counted.
      await vic.says('are you there?');
      await h.advance(2 * HOUR);
      expect(vic.texts()).toEqual(['First']);
      const [held] = await s.executions(flowId);
      expect(held).toMatchObject({ status: 'held', holdReason: 'paused (contact): VIP call' });
      expect(await h.count('events', 'contact_id = $1 AND type = $2', [contactId, 'message.received'])).toBe(2);

      expect(obj((await s.admin.post(`/api/contacts/${contactId}/resume`)).body)).toEqual({ resumed: 1 });
      await h.settle();
      expect(vic.texts()).toEqual(['First', 'Second']);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded' });
      const pauses = arr(obj((await s.admin.get(`/api/pauses?active=false&contactId=${contactId}`)).body)['data']).map(obj);
      expect(pauses[0]).toMatchObject({ createdBy: 'user', endedBy: 'user', reason: 'VIP call' });
    });

    it('resumes by itself when a timed pause ends, and starts-and-holds new runs of a "hold" flow', async () => {
      const s = await Scenario.create(h, 'timed pause');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('promo'), at: [0, 0] },
            { id: 'reply', type: 'whatsapp.send_message', config: text('Here it is'), at: [0, 1] },
          ],
          [['t', 'next', 'reply']],
          { whilePaused: 'hold' },
        ),
      );
      const wes = s.customer('393330002002', 'Wes');
      await wes.says('hello');
      const contactId = str((await wes.contact())['id']);
      await s.admin.post(`/api/contacts/${contactId}/pause`, { hours: 3 });
      await wes.says('promo please');
      expect(wes.received()).toHaveLength(0);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'held' });
      await h.advance(2 * HOUR);
      expect(wes.received()).toHaveLength(0);
      await h.advance(HOUR + 1000);
      expect(wes.texts()).toEqual(['Here it is']);
    });

    it('pauses a whole flow, and the whole workspace', async () => {
      const s = await Scenario.create(h, 'flow pause');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('info'), at: [0, 0] },
            { id: 'reply', type: 'whatsapp.send_message', config: text('Info'), at: [0, 1] },
          ],
          [['t', 'next', 'reply']],
          { reentry: 'parallel' },
        ),
      );
      const xia = s.customer('393330002003', 'Xia');
      expect((await s.admin.post(`/api/flows/${flowId}/pause`, {})).status).toBe(201);
      await xia.says('info');
      expect(xia.received()).toHaveLength(0);
      await s.admin.post(`/api/flows/${flowId}/resume`);
      await xia.says('info');
      expect(xia.received()).toHaveLength(1);
      expect((await s.admin.post('/api/automation/pause', { reason: 'audit' })).status).toBe(201);
      await xia.says('info');
      expect(xia.received()).toHaveLength(1);
      await s.admin.post('/api/automation/resume');
      await xia.says('info');
      expect(xia.received()).toHaveLength(2);
      const reasons = (await s.executions(flowId)).map((e) => e['endedReason']);
      expect(reasons.filter((r) => r === 'paused')).toHaveLength(2);
    });
  });

  describe('entry rules', () => {
    const flow = (settings: Record<string, unknown>) =>
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('go'), at: [0, 0] },
          { id: 'wait', type: 'timing.wait', config: { amount: 1, unit: 'hours' }, at: [0, 1] },
          { id: 'done', type: 'whatsapp.send_message', config: text('Done'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'wait'],
          ['wait', 'next', 'done'],
        ],
        settings,
      );

    it('skips while running, restarts, or runs in parallel, as set', async () => {
      for (const [reentry, expected] of [
        ['skip', ['skipped', 'waiting']],
        ['restart', ['cancelled', 'waiting']],
        ['parallel', ['waiting', 'waiting']],
      ] as const) {
        const s = await Scenario.create(h, `reentry ${reentry}`);
        const flowId = await s.publish(flow({ reentry }));
        const c = s.customer(`39333000210${['skip', 'restart', 'parallel'].indexOf(reentry)}`);
        await c.says('go');
        await c.says('go again');
        // Both runs start at the same (manual) instant, so compare as a set.
        const statuses = (await s.executions(flowId)).map((e) => str(e['status'])).sort();
        expect({ reentry, statuses }).toEqual({ reentry, statuses: expected });
      }
    });

    it('runs once per contact when asked', async () => {
      const s = await Scenario.create(h, 'once');
      const flowId = await s.publish(flow({ oncePerContact: true }));
      const c = s.customer('393330002110');
      await c.says('go');
      await h.advance(2 * HOUR);
      await c.says('go');
      expect((await s.executions(flowId)).map((e) => [e['status'], e['endedReason']])).toEqual([
        ['skipped', 'once_per_contact'],
        ['succeeded', 'completed'],
      ]);
    });

    it('debounces: a burst of messages starts one run, with the last message', async () => {
      const s = await Scenario.create(h, 'debounce');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: { match: 'any' }, at: [0, 0] },
            { id: 'echo', type: 'whatsapp.send_message', config: text('You said: {{ event.text }}'), at: [0, 1] },
          ],
          [['t', 'next', 'echo']],
          { debounceSeconds: 60 },
        ),
      );
      const c = s.customer('393330002111');
      for (const [i, words] of ['I', 'want', 'the sofa'].entries()) {
        if (i > 0) await h.advance(20_000);
        await c.says(words);
      }
      expect(c.received()).toHaveLength(0);
      await h.advance(61_000);
      expect(c.texts()).toEqual(['You said: the sofa']);
      expect(await s.executions(flowId)).toHaveLength(1);
    });

    it('leaves the flow when a goal event happens (exit rule)', async () => {
      const s = await Scenario.create(h, 'goal');
      const document = buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('cart'), at: [0, 0] },
          { id: 'wait', type: 'timing.wait', config: { amount: 1, unit: 'days' }, at: [0, 1] },
          { id: 'nudge', type: 'whatsapp.send_message', config: text('Your cart misses you'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'wait'],
          ['wait', 'next', 'nudge'],
        ],
        { exitOn: [{ eventType: 'order.created' }] },
      );
      const flowId = await s.publish(document);
      const c = s.customer('393330002112');
      await c.says('my cart');
      await s.crm({ type: 'order.created', id: 'G-1', contact: { waId: c.waId }, order: { id: 'G-1' } });
      await h.advance(25 * HOUR);
      expect(c.received()).toHaveLength(0);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded', endedReason: 'goal_reached' });
    });
  });

  describe('steps', () => {
    it('fires a wait that came due while the engine was down as soon as it is back, and records how late it was', async () => {
      const s = await Scenario.create(h, 'overdue wait');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('remind'), at: [0, 0] },
            { id: 'wait', type: 'timing.wait', config: { amount: 2, unit: 'hours' }, at: [0, 1] },
            { id: 'nudge', type: 'whatsapp.send_message', config: text('Still interested?'), at: [0, 2] },
          ],
          [
            ['t', 'next', 'wait'],
            ['wait', 'next', 'nudge'],
          ],
        ),
      );
      const c = s.customer('393330002299');
      await c.says('remind me');
      // Nothing ran for 5 hours (the process was down): the clock moves without the timer.
      clock.advance(5 * HOUR);
      expect(c.received()).toHaveLength(0);
      await h.settle();
      expect(c.texts()).toEqual(['Still interested?']);
      const wait = (await steps(s, flowId)).find((step) => step['nodeId'] === 'wait');
      expect(wait).toMatchObject({ status: 'succeeded', output: { lateByMs: 3 * HOUR } });
      const [row] = await h.sql(
        `SELECT w.status, w.late_by_ms FROM waits w JOIN executions e ON e.id = w.execution_id WHERE e.flow_id = $1 AND w.kind = 'delay'`,
        [flowId],
      );
      expect(row).toEqual({ status: 'fired', late_by_ms: 3 * HOUR });
    });

    it('records a condition’s decision with the values it saw, and personalisation that fell back', async () => {
      const s = await Scenario.create(h, 'decision');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('hi'), at: [0, 0] },
            {
              id: 'c',
              type: 'condition.if',
              config: {
                rule: {
                  and: [{ '>=': [{ events_count: [{ type: 'message.received' }, '7d'] }, 1] }, { '==': [{ var: 'contact.list' }, null] }],
                },
              },
              at: [0, 1],
            },
            { id: 'yes', type: 'whatsapp.send_message', config: text('Hi {{ contact.fields.nickname | "friend" }}!'), at: [0, 2] },
          ],
          [
            ['t', 'next', 'c'],
            ['c', 'true', 'yes'],
          ],
        ),
      );
      const c = s.customer('393330002201');
      await c.says('hi');
      expect(c.texts()).toEqual(['Hi friend!']);
      const [, condition, send] = await steps(s, flowId);
      expect(condition).toMatchObject({
        outputName: 'true',
        decision: { result: true, values: { 'events_count({"type":"message.received"}, "7d")': 1, 'contact.list': null } },
      });
      expect(send).toMatchObject({ decision: { missingVariables: ['contact.fields.nickname'] } });
    });

    it('fails a condition that compares a number with text, naming the problem', async () => {
      const s = await Scenario.create(h, 'bad condition');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('age'), at: [0, 0] },
            { id: 'c', type: 'condition.if', config: { rule: { '>': [{ var: 'contact.fields.age' }, 18] } }, at: [0, 1] },
            { id: 'ok', type: 'whatsapp.send_message', config: text('ok'), at: [0, 2] },
          ],
          [
            ['t', 'next', 'c'],
            ['c', 'true', 'ok'],
          ],
        ),
      );
      const c = s.customer('393330002202');
      await c.says('hello');
      const contactId = str((await c.contact())['id']);
      await s.admin.request('PATCH', `/api/contacts/${contactId}`, { fields: { age: [1, 2] } });
      await c.says('age check');
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'failed', errorCode: 'condition_error' });
    });

    // 80 messages one after another: at load 20 this takes 40 s (at 835c1b4 as now), past the default 30 s.
    it('splits A/B by percentage, the same branch for a contact every time', async () => {
      const s = await Scenario.create(h, 'split');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('ab'), at: [0, 0] },
            {
              id: 'split',
              type: 'control.split',
              config: {
                branches: [
                  { name: 'a', percent: 30 },
                  { name: 'b', percent: 70 },
                ],
              },
              at: [0, 1],
            },
            { id: 'va', type: 'whatsapp.send_message', config: text('A'), at: [-1, 2] },
            { id: 'vb', type: 'whatsapp.send_message', config: text('B'), at: [1, 2] },
          ],
          [
            ['t', 'next', 'split'],
            ['split', 'a', 'va'],
            ['split', 'b', 'vb'],
          ],
          { reentry: 'parallel' },
        ),
      );
      const counts = { A: 0, B: 0 };
      for (let i = 0; i < 40; i += 1) {
        const c = s.customer(`3933300030${String(i).padStart(2, '0')}`);
        await c.says('ab');
        await c.says('ab again');
        const [first, second] = c.texts();
        expect(second).toBe(first);
        if (first === 'A') counts.A += 1;
        if (first === 'B') counts.B += 1;
      }
      expect(counts.A + counts.B).toBe(40);
      expect(counts.A).toBeGreaterThan(3);
      expect(counts.B).toBeGreaterThan(counts.A);
      expect((await s.executions(flowId)).length).toBe(80);
    }, 120_000);

    it('refuses HTTP calls to private addresses unless allowed, and records why', async () => {
      const s = await Scenario.create(h, 'ssrf');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('fetch'), at: [0, 0] },
            {
              id: 'call',
              type: 'http.request',
              config: { method: 'GET', url: 'http://169.254.169.254/latest/meta-data', headers: [], body: '', timeoutSeconds: 2 },
              at: [0, 1],
            },
          ],
          [['t', 'next', 'call']],
          { reentry: 'parallel' },
        ),
      );
      const c = s.customer('393330002301');
      await c.says('fetch');
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'failed', errorCode: 'blocked_target' });
      expect(str(run?.['errorMessage'])).toContain('169.254.169.254');
    });

    it('gives each contact its own coupon code and the same one when asked again', async () => {
      const s = await Scenario.create(h, 'coupons');
      await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('code'), at: [0, 0] },
            {
              id: 'coupon',
              type: 'coupon.generate',
              config: { campaign: 'test', prefix: 'T', percentOff: 5, amountOff: null, currency: '', validDays: 30 },
              at: [0, 1],
            },
            { id: 'send', type: 'whatsapp.send_message', config: text('{{ vars.coupon_code }}'), at: [0, 2] },
          ],
          [
            ['t', 'next', 'coupon'],
            ['coupon', 'next', 'send'],
          ],
          { reentry: 'parallel' },
        ),
      );
      const a = s.customer('393330002401');
      const b = s.customer('393330002402');
      await a.says('code');
      await a.says('code again');
      await b.says('code');
      const [a1, a2] = a.texts();
      expect(a1).toMatch(/^T-[A-Z2-9]{8}$/);
      expect(a2).toBe(a1);
      expect(b.texts()[0]).not.toBe(a1);
    });

    it('acts on contacts: tags trigger "tag added" flows, fields and lists change, agents are assigned and told', async () => {
      const s = await Scenario.create(h, 'contact actions');
      const agent = await s.workspace.user('support');
      const agentId = str(obj(obj((await agent.get('/api/auth/me')).body)['user'])['id']);
      await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('vip'), at: [0, 0] },
            { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['vip'] }, at: [0, 1] },
            { id: 'field', type: 'contact.set_field', config: { field: 'tier', value: 'gold' }, at: [0, 2] },
            { id: 'list', type: 'contact.move_to_list', config: { list: 'vip-list' }, at: [0, 3] },
            {
              id: 'assign',
              type: 'agent.assign',
              config: { userId: agentId, notify: true, note: 'New VIP: {{ contact.display_name }}' },
              at: [0, 4],
            },
          ],
          [
            ['t', 'next', 'tag'],
            ['tag', 'next', 'field'],
            ['field', 'next', 'list'],
            ['list', 'next', 'assign'],
          ],
        ),
        'make vip',
      );
      await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.contact_event', config: { change: 'tag_added', tag: 'vip' }, at: [0, 0] },
            {
              id: 'welcome',
              type: 'whatsapp.send_message',
              config: text('Welcome to the VIP club, {{ contact.display_name }}!'),
              at: [0, 1],
            },
          ],
          [['t', 'next', 'welcome']],
        ),
        'welcome vip',
      );
      const c = s.customer('393330002501', 'Yara');
      await c.says('make me vip');
      expect(c.texts()).toEqual(['Welcome to the VIP club, Yara!']);
      expect(await c.contact()).toMatchObject({ tags: ['vip'], fields: { tier: 'gold' }, list: 'vip-list', assignedUserId: agentId });
      const notes = arr(obj((await agent.get('/api/notifications')).body)['data']).map(obj);
      expect(notes[0]).toMatchObject({ title: 'You were assigned Yara', body: 'New VIP: Yara' });
    });

    it('starts flows from an incoming webhook and by hand', async () => {
      const s = await Scenario.create(h, 'hooks');
      const hookFlow = await s.publish(
        buildFlow(
          [
            {
              id: 't',
              type: 'trigger.incoming_webhook',
              config: { phonePath: 'customer.phone', defaultCountry: 'IT', namePath: 'customer.name' },
              at: [0, 0],
            },
            { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['zapier'] }, at: [0, 1] },
            { id: 'field', type: 'contact.set_field', config: { field: 'last_product', value: '{{ event.data.product }}' }, at: [0, 2] },
          ],
          [
            ['t', 'next', 'tag'],
            ['tag', 'next', 'field'],
          ],
        ),
      );
      const url = str(obj((await s.admin.get(`/api/flows/${hookFlow}/webhook`)).body)['url']);
      const path = new URL(url).pathname;
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${h.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      const payload = { customer: { phone: '333 444 5566', name: 'Zed' }, product: 'Blue sofa' };
      expect((await post(payload, { 'idempotency-key': 'zap-1' })).status).toBe(202);
      expect(await (await post(payload, { 'idempotency-key': 'zap-1' })).json()).toEqual({ accepted: true, duplicate: true });
      await h.settle();
      expect(await s.contact('393334445566')).toMatchObject({
        displayName: 'Zed',
        tags: ['zapier'],
        fields: { last_product: 'Blue sofa' },
      });
      expect((await post({ customer: { phone: 'nope' } })).status).toBe(400);
      expect(
        (await fetch(`${h.url}/hooks/${hookFlow}.forged`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))
          .status,
      ).toBe(404);

      const manualFlow = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.manual', config: {}, at: [0, 0] },
            { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['by-hand'] }, at: [0, 1] },
          ],
          [['t', 'next', 'tag']],
        ),
      );
      const zed = await s.contact('393334445566');
      expect((await s.admin.post(`/api/flows/${manualFlow}/run`, { contactId: zed['id'] })).status).toBe(202);
      await h.settle();
      expect((await s.contact('393334445566'))['tags']).toEqual(['by-hand', 'zapier']);
      expect((await s.admin.post(`/api/flows/${hookFlow}/run`, { contactId: zed['id'] })).status).toBe(409);
    });

    it('starts "message status" flows on delivered/read/failed webhooks, once per status', async () => {
      const s = await Scenario.create(h, 'statuses');
      await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('ping'), at: [0, 0] },
            { id: 'send', type: 'whatsapp.send_message', config: text('pong'), at: [0, 1] },
          ],
          [['t', 'next', 'send']],
        ),
        'ping',
      );
      await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.message_status', config: { status: 'read' }, at: [0, 0] },
            { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['reads-us'] }, at: [0, 1] },
          ],
          [['t', 'next', 'tag']],
        ),
        'read',
      );
      const c = s.customer('393330002601');
      await c.says('ping');
      const wamid = h.simulator.state.sent.filter((m) => m.to === c.waId).at(-1)?.wamid;
      const number = h.simulator.state.numbers.get(s.workspace.phoneNumberId);
      if (!wamid || !number) throw new Error('fixture');
      const status = (name: string, at: number) => ({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: number.wabaId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: number.phoneNumberId, display_phone_number: number.displayPhoneNumber },
                  statuses: [{ id: wamid, status: name, timestamp: String(at), recipient_id: c.waId }],
                },
              },
            ],
          },
        ],
      });
      const t = Math.floor(clock.now().getTime() / 1000);
      // Out of order and duplicated, as Meta may deliver them.
      for (const body of [status('read', t + 20), status('delivered', t + 10), status('read', t + 20), status('sent', t + 1)]) {
        const raw = toAsciiJson(body);
        const response = await fetch(`${h.url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(raw, h.appSecret) },
          body: raw,
        });
        expect(response.status).toBe(200);
      }
      await h.settle();
      expect((await c.contact())['tags']).toEqual(['reads-us']);
      const [message] = await h.sql('SELECT status FROM messages WHERE wamid = $1', [wamid]);
      expect(message).toEqual({ status: 'read' });
      expect(await h.count('events', `type = 'message.status' AND payload->>'wamid' = $1`, [wamid])).toBe(3);
    });
  });

  describe('sends: retries, unknown outcomes, error branch', () => {
    const sendFlow = (word: string) =>
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword(word), at: [0, 0] },
          { id: 'send', type: 'whatsapp.send_message', config: text('Confirmed'), at: [0, 1] },
        ],
        [['t', 'next', 'send']],
        { reentry: 'parallel' },
      );

    async function fault(body: Record<string, unknown>): Promise<void> {
      const response = await fetch(`${h.simulator.url}/sim/faults`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(201);
    }

    it('retries a retryable WhatsApp error twice with backoff and logs each code', async () => {
      const s = await Scenario.create(h, 'send retry');
      const flowId = await s.publish(sendFlow('confirm'));
      const c = s.customer('393330002701');
      await c.says('hi');
      await fault({ to: c.waId, kind: 'graph_error', code: 131000, times: 2 });
      await c.says('confirm');
      expect(c.received()).toHaveLength(0);
      await h.advance(30_000);
      expect(c.received()).toHaveLength(0);
      await h.advance(120_000);
      expect(c.texts()).toEqual(['Confirmed']);
      const sendSteps = (await steps(s, flowId)).filter((step) => step['nodeId'] === 'send');
      expect(sendSteps.map((step) => [step['attempt'], step['status'], step['errorCode']])).toEqual([
        [1, 'failed', '131000'],
        [2, 'failed', '131000'],
        [3, 'succeeded', null],
      ]);
    });

    it('does not retry an error that cannot pass, and fails with its code', async () => {
      const s = await Scenario.create(h, 'send never');
      const flowId = await s.publish(sendFlow('confirm'));
      const c = s.customer('393330002702');
      await c.says('hi');
      await fault({ to: c.waId, kind: 'graph_error', code: 131026, times: 1 });
      await c.says('confirm');
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'failed', errorCode: '131026' });
      expect(await steps(s, flowId)).toHaveLength(2);
    });

    it('never resends a send whose answer was lost, and settles it from the status webhook that echoes its key', async () => {
      const s = await Scenario.create(h, 'send unknown');
      const flowId = await s.publish(sendFlow('confirm'));
      const c = s.customer('393330002703');
      await c.says('hi');
      await fault({ to: c.waId, kind: 'timeout', times: 1 });
      await c.says('confirm');
      // Meta did take it: the customer has it once, and the step waits to learn that.
      expect(c.received()).toHaveLength(1);
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'waiting' });
      expect(await h.sql('SELECT status FROM side_effects WHERE execution_id = $1', [run?.['id']])).toEqual([{ status: 'unknown' }]);

      const wamid = h.simulator.state.sent.filter((m) => m.to === c.waId).at(-1)?.wamid ?? '';
      await h.simulator.sendStatus(wamid, 'sent');
      await h.settle();
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded' });
      const sendStep = (await steps(s, flowId)).find((step) => step['nodeId'] === 'send');
      expect(sendStep).toMatchObject({ status: 'succeeded', output: { wamid, reconciled: true, status: 'sent' } });
      expect(await h.sql("SELECT status, result->>'wamid' AS wamid FROM side_effects WHERE execution_id = $1", [run?.['id']])).toEqual([
        { status: 'succeeded', wamid },
      ]);
      expect(await h.count('messages', `wamid = $1 AND direction = 'outbound' AND execution_id = $2`, [wamid, run?.['id']])).toBe(1);
      expect(c.received()).toHaveLength(1);
    });

    it('fails an unknown send nobody confirms, and resends it only when a person insists', async () => {
      const s = await Scenario.create(h, 'send unconfirmed');
      const flowId = await s.publish(sendFlow('confirm'));
      const c = s.customer('393330002705');
      await c.says('hi');
      await fault({ to: c.waId, kind: 'timeout', times: 1 });
      await c.says('confirm');
      expect(c.received()).toHaveLength(1);
      await h.advance(16 * 60_000);
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'failed', errorCode: 'outcome_unknown' });
      const plain = await s.admin.post(`/api/executions/${str(run?.['id'])}/retry`);
      expect(plain.status).toBe(409);
      expect(str(obj(plain.body)['message'])).toMatch(/resendUnknown/);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'failed' });
      expect((await s.admin.post(`/api/executions/${str(run?.['id'])}/retry`, { resendUnknown: true })).status).toBe(202);
      await h.settle();
      expect(c.received()).toHaveLength(2);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded' });
    });

    it('retries a failed execution by hand from its failed step', async () => {
      const s = await Scenario.create(h, 'manual retry');
      const flowId = await s.publish(sendFlow('confirm'));
      const c = s.customer('393330002704');
      await c.says('hi');
      await fault({ to: c.waId, kind: 'graph_error', code: 131026, times: 1 });
      await c.says('confirm');
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'failed' });
      const retry = await s.admin.post(`/api/executions/${str(run?.['id'])}/retry`);
      expect(retry.status).toBe(202);
      await h.settle();
      expect(c.texts()).toEqual(['Confirmed']);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'succeeded' });
      expect((await s.admin.post(`/api/executions/${str(run?.['id'])}/retry`)).status).toBe(409);
    });

    it('holds a free-form send outside the 24 h window, naming the rule', async () => {
      const s = await Scenario.create(h, 'window');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('later'), at: [0, 0] },
            { id: 'wait', type: 'timing.wait', config: { amount: 2, unit: 'days' }, at: [0, 1] },
            { id: 'send', type: 'whatsapp.send_message', config: text('Two days later'), at: [0, 2] },
          ],
          [
            ['t', 'next', 'wait'],
            ['wait', 'next', 'send'],
          ],
        ),
      );
      const c = s.customer('393330002705');
      await c.says('later');
      await h.advance(49 * HOUR);
      expect(c.received()).toHaveLength(0);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'failed', errorCode: 'policy:customer_service_window' });
    });
  });

  describe('versions and runs', () => {
    it('cancels waiting runs on unpublish when asked, lets them finish otherwise, and rolls back', async () => {
      const s = await Scenario.create(h, 'unpublish');
      const document = buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('slow'), at: [0, 0] },
          { id: 'wait', type: 'timing.wait', config: { amount: 1, unit: 'hours' }, at: [0, 1] },
          { id: 'send', type: 'whatsapp.send_message', config: text('v1'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'wait'],
          ['wait', 'next', 'send'],
        ],
      );
      const flowId = await s.publish(document);
      const a = s.customer('393330002801');
      const b = s.customer('393330002802');
      await a.says('slow');
      expect(obj((await s.admin.post(`/api/flows/${flowId}/unpublish`, { running: 'finish' })).body)).toMatchObject({ cancelled: 0 });
      await h.advance(2 * HOUR);
      expect(a.texts()).toEqual(['v1']);

      await s.admin.post(`/api/flows/${flowId}/rollback`, { version: 1 });
      await b.says('slow');
      expect(obj((await s.admin.post(`/api/flows/${flowId}/unpublish`, { running: 'cancel' })).body)).toMatchObject({ cancelled: 1 });
      await h.advance(2 * HOUR);
      expect(b.received()).toHaveLength(0);
      const runs = await s.executions(flowId);
      expect(runs[0]).toMatchObject({ status: 'cancelled', endedReason: 'unpublished' });
      const [wait] = await h.sql(`SELECT status FROM waits WHERE execution_id = $1`, [runs[0]?.['id']]);
      expect(wait).toEqual({ status: 'cancelled' });
    });

    it('cancels a stuck execution by hand', async () => {
      const s = await Scenario.create(h, 'cancel');
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('forever'), at: [0, 0] },
            { id: 'wait', type: 'timing.wait_for_event', config: { eventType: 'order.created', filter: {}, timeout: null }, at: [0, 1] },
          ],
          [['t', 'next', 'wait']],
        ),
      );
      const c = s.customer('393330002803');
      await c.says('forever');
      const [run] = await s.executions(flowId);
      expect(run).toMatchObject({ status: 'waiting' });
      const support = await s.workspace.user('support');
      expect((await support.post(`/api/executions/${str(run?.['id'])}/cancel`)).status).toBe(200);
      expect((await s.executions(flowId))[0]).toMatchObject({ status: 'cancelled', endedReason: 'cancelled_by_user' });
      expect((await support.post(`/api/executions/${str(run?.['id'])}/cancel`)).status).toBe(409);
    });

    it('prunes finished executions past the retention, never waiting ones', async () => {
      const s = await Scenario.create(h, 'prune');
      await s.settings({ executionRetentionDays: 1 });
      const flowId = await s.publish(
        buildFlow(
          [
            { id: 't', type: 'trigger.inbound_message', config: keyword('run'), at: [0, 0] },
            { id: 'c', type: 'condition.if', config: { rule: { '==': [{ var: 'event.text' }, 'run and wait'] } }, at: [0, 1] },
            { id: 'wait', type: 'timing.wait_for_event', config: { eventType: 'order.created', filter: {}, timeout: null }, at: [0, 2] },
          ],
          [
            ['t', 'next', 'c'],
            ['c', 'true', 'wait'],
          ],
          { reentry: 'parallel' },
        ),
      );
      const c = s.customer('393330002901');
      await c.says('run');
      await c.says('run and wait');
      await h.advance(3 * 24 * HOUR);
      const pruned = await h.app.get(SchedulerService).prune();
      expect(pruned.executions).toBeGreaterThanOrEqual(1);
      const left = await s.executions(flowId);
      expect(left.map((e) => e['status'])).toEqual(['waiting']);
    });
  });
});
