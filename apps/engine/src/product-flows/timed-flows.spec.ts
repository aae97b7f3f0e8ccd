import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';
import { DISPATCH_MODES, reportSkippedModes } from '../test-support/dispatch-modes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sunday 22 November 2026, 10:00 UTC (11:00 in Rome). */
const START = new Date('2026-11-22T10:00:00Z');

describe.each(DISPATCH_MODES)('product flows over time (%s)', (_mode, env) => {
  let h: EngineHarness;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    // Sessions must outlive the months these tests move the clock through.
    h = await startEngineHarness({ clock, env: { ...env, SESSION_TTL_HOURS: String(24 * 90) } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function tasks(s: Scenario): Promise<Record<string, unknown>[]> {
    return h.sql('SELECT title, notes, assigned_user_id, due_at, contact_id FROM tasks WHERE workspace_id = $1 ORDER BY created_at', [
      s.workspace.id,
    ]);
  }

  it('2. potential customer: on Monday 9:00 Rome, contacts with 1-2 chats in 30 days get a follow-up task', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 2');
    const one = s.customer('393330000201', 'One Chat');
    const three = s.customer('393330000202', 'Three Chats');
    await one.says('hello');
    for (const text of ['hi', 'there', 'again']) await three.says(text);
    await s.publishTemplate('potential-customer');
    await h.advance(21 * HOUR + 59 * 60_000); // Monday 08:59 Rome
    expect(await tasks(s)).toEqual([]);
    await h.advance(60_000); // Monday 09:00 Rome = 08:00 UTC
    const created = await tasks(s);
    expect(created).toEqual([expect.objectContaining({ title: 'Weekly follow-up: One Chat', due_at: new Date('2026-11-24T08:00:00Z') })]);
    await h.advance(HOUR);
    expect(await tasks(s)).toHaveLength(1);
  });

  it('3. inactive: a contact silent for more than 60 days moves to the low-priority list at night', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 3');
    const old = s.customer('393330000301', 'Old Friend');
    const recent = s.customer('393330000302', 'Regular');
    await old.says('bye for now');
    await s.publishTemplate('inactive');
    clock.advance(59 * DAY);
    await recent.says('hi again');
    await h.advance(DAY);
    expect((await old.contact())['list']).toBeNull();
    await h.advance(DAY + HOUR);
    expect((await old.contact())['list']).toBe('low-priority');
    expect((await recent.contact())['list']).toBeNull();
  });

  it('4. no order 72 h after a product click: follow-up with a code; an order meanwhile takes the other branch', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 4');
    const flowId = await s.publishTemplate('no-order-after-interest');
    const kim = s.customer('393330000401', 'Kim');
    const lee = s.customer('393330000402', 'Lee');
    await kim.says('hi');
    await lee.says('hi');
    await kim.optsInToMarketing();
    await s.crm({ type: 'link.clicked', id: 'click-1', contact: { waId: kim.waId }, reference: 'https://shop.example.com/p/sofa' });
    await s.crm({ type: 'link.clicked', id: 'click-2', contact: { waId: lee.waId }, reference: 'https://shop.example.com/p/lamp' });
    await h.advance(30 * HOUR);
    await s.crm({ type: 'order.created', id: 'L-1', contact: { waId: lee.waId }, order: { id: 'L-1', total: 80, currency: 'EUR' } });
    await h.advance(41 * HOUR);
    expect(kim.received()).toHaveLength(0);
    await h.advance(HOUR + 60_000);
    // 72 h after Kim's last message the window is closed: the approved template goes, with the code.
    const [sent] = kim.received();
    expect(sent).toMatchObject({ type: 'template', template: { name: 'click_follow_up', components: [{ type: 'body' }] } });
    expect(JSON.stringify(sent)).toMatch(/BACK-[A-Z2-9]{8}/);
    expect(lee.received()).toHaveLength(0);
    expect((await lee.contact())['tags']).toEqual(['converted-after-click']);
    const runs = await s.executions(flowId);
    const kimId = str((await kim.contact())['id']);
    const kimRun = await s.execution(str(runs.find((r) => r['contactId'] === kimId)?.['id']));
    const wait = arr(kimRun['steps'])
      .map(obj)
      .find((step) => step['nodeId'] === 'order-72h');
    expect(wait).toMatchObject({ status: 'succeeded', outputName: 'timeout', output: { timedOut: true, lateByMs: expect.any(Number) } });
    expect(Number(obj(wait?.['output'])['lateByMs'])).toBeLessThan(2 * 60_000);
  });

  it('7. store visit: tag, nearest store from a shared location, then a $15 voucher without a visit in 7 days', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 7');
    await s.settings({
      stores: [
        { name: 'Roma Termini', address: 'Via Marsala 29, Roma', city: 'Roma', latitude: 41.9009, longitude: 12.5019, hours: '9-20' },
        { name: 'Milano Duomo', address: 'Piazza del Duomo 1, Milano', city: 'Milano', latitude: 45.4642, longitude: 9.19, hours: '10-21' },
      ],
    });
    await s.publishTemplate('store-visit');
    const mia = s.customer('393330000701', 'Mia');
    await mia.shares(45.47, 9.2);
    await mia.optsInToMarketing();
    await mia.says('Where is your store? What is the address?');
    expect(mia.texts()).toEqual(['Our nearest store is Milano Duomo, Piazza del Duomo 1, Milano (10-21). See you there!']);
    expect((await mia.contact())['tags']).toEqual(['store search']);
    await h.advance(7 * DAY + HOUR);
    const voucher = mia.received()[1];
    expect(voucher).toMatchObject({ type: 'template', template: { name: 'store_voucher' } });
    const [coupon] = await h.sql('SELECT discount_amount, currency FROM coupons WHERE workspace_id = $1', [s.workspace.id]);
    expect(coupon).toEqual({ discount_amount: '15.00', currency: 'USD' });

    const ned = s.customer('393330000702', 'Ned');
    await ned.says('negozio più vicino? indirizzo?');
    await h.advance(2 * DAY);
    await s.crm({ type: 'store.visited', id: 'visit-ned-1', contact: { waId: ned.waId }, reference: 'Roma Termini' });
    await h.advance(6 * DAY);
    expect(ned.received()).toHaveLength(1);
  });

  it('8. unread: a business message not read within 24 h lowers the priority', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 8');
    await s.publishTemplate('faq');
    await s.publishTemplate('unread');
    const oli = s.customer('393330000801', 'Oli');
    await oli.says('shipping costs?');
    expect(oli.received()).toHaveLength(1);
    await h.advance(23 * HOUR);
    expect((await oli.contact())['fields']).toEqual({});
    await h.advance(HOUR + 20_000);
    expect((await oli.contact())['fields']).toEqual({ priority: 'low' });
  });

  it('13. churn risk: chats dropped from ~3 a week to 1 and an unhappy last conversation earn a 15% code', async () => {
    clock.set(new Date('2026-10-25T10:00:00Z'));
    const s = await Scenario.create(h, 'flow 13');
    const pat = s.customer('393330001301', 'Pat');
    const sam = s.customer('393330001302', 'Sam');
    for (let week = 0; week < 3; week += 1) {
      for (const day of [0, 2, 4]) {
        // Three chats a week from 25 October to 12 November, then nothing until the 23rd.
        clock.set(new Date(Date.UTC(2026, 9, 25 + week * 7 + day, 10)));
        await pat.says('hi, a question about my order');
        await sam.says('hi, a question about my order');
      }
    }
    clock.set(new Date('2026-11-23T10:00:00Z'));
    await pat.says('This is terrible, the delivery was slow and the box arrived broken. Disappointed.');
    await sam.says('Thanks, great service, I love it!');
    await pat.optsInToMarketing();
    await s.publishTemplate('churn-risk');
    await h.advance(23 * HOUR + 60_000); // Tuesday 10:01 Rome
    expect(pat.received()).toEqual([
      expect.objectContaining({ type: 'template', template: expect.objectContaining({ name: 'win_back_15' }) }),
    ]);
    expect(JSON.stringify(pat.received()[0])).toMatch(/COMEBACK-/);
    expect(sam.received()).toHaveLength(0);
  });

  it('14. nightly batch: at 02:00 every unanswered conversation is tagged and gets a task', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 14');
    const quinn = s.customer('393330001401', 'Quinn');
    const rui = s.customer('393330001402', 'Rui');
    await quinn.says('Can someone call me back?');
    await rui.says('hello');
    clock.advance(60_000);
    const ruiContact = await rui.contact();
    const support = await s.workspace.user('support');
    await support.post(`/api/contacts/${str(ruiContact['id'])}/messages`, { text: 'Hi Rui, how can we help?' });
    await s.publishTemplate('nightly-batch');
    await h.advance(15 * HOUR + 60_000); // Monday 02:01 Rome
    expect((await quinn.contact())['tags']).toEqual(['follow-up']);
    expect((await rui.contact())['tags']).toEqual([]);
    expect((await tasks(s)).map((t) => t['title'])).toEqual(['Answer Quinn']);
  });

  it('17. promotions: sent on Wednesday 14:00 in each contact’s own time zone, once a week', async () => {
    clock.set(START);
    const s = await Scenario.create(h, 'flow 17');
    const rome = s.customer('393330001701', 'Rome Reader');
    const hk = s.customer('85251230001', 'HK Reader');
    const none = s.customer('393330001703', 'Not Subscribed');
    for (const c of [rome, hk, none]) await c.says('hi');
    for (const c of [rome, hk]) await c.optsInToMarketing();
    const ids = await Promise.all([rome, hk].map(async (c) => str((await c.contact())['id'])));
    await s.admin.request('PATCH', `/api/contacts/${ids[0]}`, { timeZone: 'Europe/Rome', addTags: ['promotions'] });
    await s.admin.request('PATCH', `/api/contacts/${ids[1]}`, { timeZone: 'Asia/Hong_Kong', addTags: ['promotions'] });
    await s.publishTemplate('promotions');
    await h.advance(20 * HOUR + 60_000); // Monday 06:01 UTC: the weekly tick, both wait for Wednesday
    await h.advance(2 * DAY - 60_000 - 1000); // Wednesday 05:59:59 UTC
    expect(hk.received()).toHaveLength(0);
    await h.advance(2000); // 06:00:01 UTC = 14:00:01 in Hong Kong
    expect(hk.received()).toEqual([
      expect.objectContaining({ type: 'template', template: expect.objectContaining({ name: 'weekly_promo' }) }),
    ]);
    expect(rome.received()).toHaveLength(0);
    await h.advance(7 * HOUR); // 13:00:01 UTC = 14:00:01 in Rome
    expect(rome.received()).toHaveLength(1);
    expect(none.received()).toHaveLength(0);
    // The next week, as the scheduler sees it: Monday's tick, then Wednesday.
    await h.advance(4 * DAY + 17 * HOUR); // Monday 06:00:01 UTC
    // In two steps, as time passes: one jump to 13:00 UTC would wake Hong Kong's wait at 21:00 local, in quiet hours.
    await h.advance(2 * DAY); // Wednesday 06:00:01 UTC
    expect(hk.received()).toHaveLength(2);
    await h.advance(7 * HOUR); // Wednesday 13:00:01 UTC
    expect(rome.received()).toHaveLength(2);
  });
});

reportSkippedModes('product flows over time');
