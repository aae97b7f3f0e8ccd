import { createServer, type Server } from 'node:http';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';
import { DISPATCH_MODES, reportSkippedModes } from '../test-support/dispatch-modes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(DISPATCH_MODES)('product flows on messages (%s)', (_mode, env) => {
  let h: EngineHarness;
  const clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));

  beforeAll(async () => {
    // Sessions must outlive the months these tests move the clock through.
    h = await startEngineHarness({ clock, env: { ...env, SESSION_TTL_HOURS: String(24 * 90) } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('1. high intent: the third price question in 7 days gets a unique 10% code, once', async () => {
    const s = await Scenario.create(h, 'flow 1');
    await s.publishTemplate('high-intent');
    const ada = s.customer('393330000101', 'Ada Rossi');
    await ada.says('How much is the blue sofa?');
    clock.advance(2 * DAY);
    await ada.says('Quanto costa la consegna?');
    expect(ada.received()).toHaveLength(0);
    clock.advance(2 * DAY);
    await ada.says('Any discount on the price?');
    const texts = ada.texts();
    expect(texts).toHaveLength(1);
    const code = /(PRICE-[A-Z2-9]{8})/.exec(texts[0] ?? '')?.[1];
    expect(texts[0]).toContain('Thanks for your interest, Ada! Here is 10% off your order:');
    expect(code).toBeDefined();
    await ada.says('what price again?');
    expect(ada.received()).toHaveLength(1);
    expect(await ada.contact()).toMatchObject({ tags: ['coupon-high-intent'] });

    // Another customer gets another code; a redelivered webhook does not count twice.
    const bob = s.customer('393330000102', 'Bob');
    await bob.says('price?');
    const first = h.simulator.state.inbound.filter((m) => m.from === bob.waId).at(-1);
    if (!first) throw new Error('fixture');
    await h.simulator.redeliver(first.wamid);
    await h.simulator.redeliver(first.wamid);
    await h.settle();
    await bob.says('price!');
    expect(bob.received()).toHaveLength(0);
    await bob.says('the price please');
    expect(bob.texts()[0]).not.toContain(code ?? 'x');
  });

  it('1. high intent: old questions outside the 7-day window do not count', async () => {
    const s = await Scenario.create(h, 'flow 1 window');
    await s.publishTemplate('high-intent');
    const carla = s.customer('393330000103', 'Carla');
    await carla.says('price?');
    await carla.says('how much?');
    clock.advance(8 * DAY);
    await carla.says('price now?');
    expect(carla.received()).toHaveLength(0);
  });

  it('5. order status: looks up the last order, asks the carrier and replies; carrier down takes the error branch', async () => {
    let carrierStatus = 200;
    const calls: string[] = [];
    const carrier: Server = createServer((request, response) => {
      calls.push(request.url ?? '');
      response.writeHead(carrierStatus, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'in transit', eta: '2026-11-25' }));
    });
    await new Promise<void>((resolve) => carrier.listen(0, '127.0.0.1', resolve));
    const address = carrier.address();
    const carrierPort = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const s = await Scenario.create(h, 'flow 5');
      await s.settings({ httpAllowList: ['127.0.0.1'] });
      await s.publishTemplate('order-status', (document) => {
        const node = document.nodes.find((n) => n.id === 'carrier');
        if (node) node.config = { ...node.config, url: `http://127.0.0.1:${carrierPort}/api/track/{{ crm.last_order.tracking_number }}` };
      });
      const dora = s.customer('393330000105', 'Dora');
      await dora.says('Where is my parcel??');
      expect(dora.texts()).toEqual(['We could not find an order for this number. Could you send us your order number?']);

      await s.crm({
        type: 'order.shipped',
        id: 'A-1042:shipped',
        contact: { waId: dora.waId },
        order: { id: 'A-1042', total: 129.9, currency: 'EUR', trackingNumber: 'TRK123', trackingUrl: 'https://track.example.com/TRK123' },
      });
      await dora.says('where is my order?');
      expect(calls).toEqual(['/api/track/TRK123']);
      expect(dora.texts()[1]).toBe(
        'Your order A-1042 is in transit. Expected delivery: Nov 25, 2026. Track it here: https://track.example.com/TRK123',
      );

      carrierStatus = 404;
      await dora.says('where is my parcel');
      expect(dora.texts()[2]).toBe('We could not reach the carrier just now; a colleague will send you the status shortly.');
      const notes = arr(obj((await s.admin.get('/api/notifications')).body)['data']).map(obj);
      expect(notes.map((n) => n['title'])).toContain('Carrier lookup failed for Dora');
    } finally {
      await new Promise<void>((resolve) => carrier.close(() => resolve()));
    }
  });

  it('6. price objection: "too expensive" twice in a row explains the instalment plan', async () => {
    const s = await Scenario.create(h, 'flow 6');
    await s.publishTemplate('price-objection');
    const eva = s.customer('393330000106', 'Eva');
    await eva.says('This is too expensive');
    await eva.says('ok and delivery?');
    await eva.says('still too expensive for me');
    expect(eva.received()).toHaveLength(0);
    await eva.says('sorry, troppo caro');
    expect(eva.received()).toHaveLength(1);
    expect(eva.received()[0]).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button', action: { buttons: [{ reply: { id: 'instalments-yes' } }, { reply: { id: 'instalments-no' } }] } },
    });
  });

  it('9. auto-tagging: quote, complaint, and price-sensitive after 4 discount mentions', async () => {
    const s = await Scenario.create(h, 'flow 9');
    await s.publishTemplate('auto-tagging');
    const fay = s.customer('393330000109', 'Fay');
    await fay.says('Can I get a quote for 10 chairs?');
    await fay.says('The lamp arrived broken');
    expect((await fay.contact())['tags']).toEqual(['complaint', 'quote']);
    for (const text of ['any discount?', 'a coupon maybe', 'promo code?']) await fay.says(text);
    expect((await fay.contact())['tags']).not.toContain('price-sensitive');
    await fay.says('last time: discount?');
    expect((await fay.contact())['tags']).toEqual(['complaint', 'price-sensitive', 'quote']);
  });

  it('10. quiz: five questions with buttons and lists, three products, a free sample after 48 h without an order', async () => {
    const s = await Scenario.create(h, 'flow 10');
    await s.publishTemplate('quiz');
    const gil = s.customer('393330000110', 'Gil');
    await gil.says('I want to do the quiz');
    // The sample offer is marketing: after the window closes only a marketing template can carry it, and that needs the opt-in.
    await gil.optsInToMarketing();
    expect(gil.texts()).toEqual(['Which style do you like most?']);
    await gil.taps('modern', 'Modern');
    await gil.taps('living', 'Living room');
    await gil.taps('pets-no', 'No');
    expect(gil.received()[3]).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
    await gil.picks('budget-high', 'Over 1500');
    await gil.picks('warm', 'Warm');
    expect(gil.texts().at(-1)).toBe('Thanks for playing! We recommend: Oslo sofa, Nord lamp, Linea rug.');
    await h.advance(47 * HOUR);
    expect(gil.received()).toHaveLength(6);
    await h.advance(2 * HOUR);
    // 49 hours after Gil last wrote the 24 h window is closed, so the approved template goes instead of the text.
    expect(gil.received().at(-1)).toMatchObject({ type: 'template', template: { name: 'free_sample' } });

    // An order inside the 48 hours ends it without the sample.
    const hal = s.customer('393330000111', 'Hal');
    await hal.says('quiz');
    for (const [id, title] of [
      ['classic', 'Classic'],
      ['bedroom', 'Bedroom'],
      ['pets-yes', 'Yes'],
    ])
      await hal.taps(id ?? '', title ?? '');
    await hal.picks('budget-low', 'Up to 500');
    await hal.picks('cool', 'Cool');
    expect(hal.texts().at(-1)).toBe('Thanks for playing! We recommend: Windsor armchair, Brass lamp, Persian rug.');
    await h.advance(10 * HOUR);
    await s.crm({ type: 'order.created', id: 'Q-1', contact: { waId: hal.waId }, order: { id: 'Q-1', total: 420, currency: 'EUR' } });
    await h.advance(40 * HOUR);
    expect(hal.received()).toHaveLength(6);
  });

  it('11. human takeover: an agent message pauses automation for 12 h, held steps continue after it', async () => {
    const s = await Scenario.create(h, 'flow 11');
    await s.publishTemplate('faq');
    const ivy = s.customer('393330000111', 'Ivy');
    await ivy.says('How long does shipping take?');
    expect(ivy.received()).toHaveLength(1);
    const contact = await ivy.contact();
    const support = await s.workspace.user('support');
    const agent = await support.post(`/api/contacts/${str(contact['id'])}/messages`, {
      text: 'Hi Ivy, Marta here. Let me check that for you.',
    });
    expect(agent.status).toBe(201);
    expect(ivy.texts().at(-1)).toBe('Hi Ivy, Marta here. Let me check that for you.');

    await ivy.says('and what about returns?');
    expect(ivy.received()).toHaveLength(2);
    const [held] = (await s.executions(await flowIdOf(s))).filter((e) => e['status'] === 'skipped' || e['status'] === 'held');
    expect(held).toMatchObject({ status: 'skipped', endedReason: 'paused' });

    const pauses = arr(obj((await s.admin.get(`/api/pauses?contactId=${str(contact['id'])}`)).body)['data']).map(obj);
    expect(pauses[0]).toMatchObject({ scope: 'contact', createdBy: 'agent_message', createdByUserId: expect.any(String) });
    await h.advance(12 * HOUR + 60_000);
    await ivy.says('returns?');
    expect(ivy.texts().at(-1)).toContain('You can return any item within 30 days');
  });

  it('12. FAQ: shipping and returns answered, other questions left to people', async () => {
    const s = await Scenario.create(h, 'flow 12');
    await s.publishTemplate('faq');
    const jan = s.customer('48501000112', 'Jan');
    await jan.says('Ile kosztuje wysyłka do Krakowa?');
    await jan.says('Chcę zwrot, jak to zrobić?');
    await jan.says('Do you sell gift cards?');
    expect(jan.texts()).toEqual([
      'We ship in 1-2 working days; delivery takes 2-4 days. Shipping is free over 50 EUR.',
      'You can return any item within 30 days, free of charge: reply RETURN and we send you the label.',
    ]);
  });

  async function flowIdOf(s: Scenario): Promise<string> {
    const flows = arr(obj((await s.admin.get('/api/flows')).body)['data']).map(obj);
    return str(flows[0]?.['id']);
  }
});

reportSkippedModes('product flows on messages');
