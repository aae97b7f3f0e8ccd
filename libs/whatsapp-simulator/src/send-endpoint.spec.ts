import { type RunningSimulator, startSimulator } from './simulator-server';
import { bodyTemplate, control, errorCode, NUMBER, postMessage, template, text, wamidOf } from './graph-calls.spec-helper';
import { WebhookReceiver } from './webhook-receiver.spec-helper';

const HOUR = 60 * 60 * 1000;

describe('send endpoint: message types and Meta validation', () => {
  let sim: RunningSimulator;
  const customer = '393331230001';

  beforeAll(async () => {
    sim = await startSimulator({ numbers: [NUMBER] });
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: customer, text: 'hi' });
  });
  afterAll(() => sim.close());

  const envelope = { messaging_product: 'whatsapp', to: customer };

  it.each([
    ['text with preview', { type: 'text', text: { body: 'See https://example.com', preview_url: true } }],
    [
      'reply buttons',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'Pick' },
          body: { text: 'Which?' },
          footer: { text: 'f' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'a', title: 'A' } },
              { type: 'reply', reply: { id: 'b', title: 'B' } },
            ],
          },
        },
      },
    ],
    [
      'a list',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Choose' },
          action: { button: 'Options', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row 1', description: 'd' }] }] },
        },
      },
    ],
    ['image by link', { type: 'image', image: { link: 'https://example.com/a.png', caption: 'c' } }],
    ['document by id', { type: 'document', document: { id: '1000000000000004', filename: 'receipt.pdf' } }],
    ['a sticker by id', { type: 'sticker', sticker: { id: '1000000000000005' } }],
    ['a reaction', { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }],
    ['a location', { type: 'location', location: { latitude: 45.46, longitude: 9.19, name: 'Store', address: 'Via Roma 1' } }],
    ['a contact card', { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima' }, phones: [{ phone: '+393331112222' }] }] }],
    ['a quoted reply', { type: 'text', text: { body: 'Re' }, context: { message_id: 'wamid.y' } }],
  ])('accepts %s', async (_name, part) => {
    const answer = await postMessage(sim.url, { ...envelope, ...part });
    expect(answer).toMatchObject({
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: customer, wa_id: customer }],
        messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
      },
    });
  });

  it.each([
    [
      'four buttons',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'x' },
          action: { buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })) },
        },
      },
      'at most 3',
    ],
    [
      'a button title over 20',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'x' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] },
        },
      },
      '20',
    ],
    [
      'eleven list rows',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'x' },
          action: { button: 'B', sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `R${i}` })) }] },
        },
      },
      '10 rows',
    ],
    ['media without link or id', { type: 'image', image: { caption: 'c' } }, 'link or an id'],
    ['a reaction without message_id', { type: 'reaction', reaction: { emoji: '👍' } }, 'message_id'],
    ['a template with a bad name', { type: 'template', template: { name: 'Bad Name', language: { code: 'en' } } }, 'name'],
    [
      'mixed named and positional parameters',
      {
        type: 'template',
        template: {
          name: 't',
          language: { code: 'en' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'a', parameter_name: 'first' },
                { type: 'text', text: 'b' },
              ],
            },
          ],
        },
      },
      'mixed',
    ],
  ])('refuses %s with 100 and the reason', async (_name, part, reason) => {
    const answer = await postMessage(sim.url, { ...envelope, ...part });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 100,
        type: 'OAuthException',
        error_data: { messaging_product: 'whatsapp', details: expect.stringContaining(reason) },
        fbtrace_id: expect.any(String),
      },
    });
  });

  it('refuses an unknown type with 131051', async () => {
    expect(errorCode(await postMessage(sim.url, { ...envelope, type: 'hologram', hologram: {} }))).toBe(131051);
  });

  it('marks an inbound message read, with "typing…", and answers {success:true}', async () => {
    const { wamid } = await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: customer, text: 'are you there?' });
    const answer = await postMessage(sim.url, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      typing_indicator: { type: 'text' },
    });
    expect(answer).toEqual({ status: 200, body: { success: true } });
    const record = sim.state.inbound.find((m) => m.wamid === wamid);
    expect(record).toMatchObject({ readByBusiness: true, typingShownAt: expect.any(Date) });
    expect(errorCode(await postMessage(sim.url, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' }))).toBe(100);
  });

  it('sends to a BSUID through `recipient` and answers with user_id', async () => {
    await sim.customerSends({
      phoneNumberId: NUMBER.phoneNumberId,
      from: '393331230002',
      text: 'hi',
      userId: 'IT.1234567890123',
      hideNumber: true,
    });
    const answer = await postMessage(sim.url, {
      messaging_product: 'whatsapp',
      recipient: 'IT.1234567890123',
      type: 'text',
      text: { body: 'hello' },
    });
    expect(answer).toMatchObject({ status: 200, body: { contacts: [{ input: 'IT.1234567890123', user_id: 'IT.1234567890123' }] } });
  });
});

describe('send endpoint: policy answers', () => {
  let now = new Date('2026-11-22T10:00:00Z');
  const receiver = new WebhookReceiver('policy-secret');
  let sync: RunningSimulator;
  let async_: RunningSimulator;

  beforeAll(async () => {
    await receiver.start();
    sync = await startSimulator({
      numbers: [NUMBER],
      now: () => now,
      marketingErrors: 'sync',
      marketingCap: { perUser: 2, windowHours: 24 },
      webhook: receiver.target(),
    });
    async_ = await startSimulator({ numbers: [NUMBER], now: () => now, windowErrors: 'async', webhook: receiver.target() });
    for (const sim of [sync, async_]) {
      await sim.addTemplate(NUMBER.wabaId, bodyTemplate('promo', 'MARKETING', 1));
      await sim.addTemplate(NUMBER.wabaId, bodyTemplate('receipt', 'UTILITY', 2));
    }
  });
  afterAll(async () => {
    await Promise.all([sync.close(), async_.close()]);
    await receiver.close();
  });

  it('131047 outside the window: synchronous 400 by default', async () => {
    await sync.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393330000101', text: 'hi' });
    expect((await postMessage(sync.url, text('393330000101', 'inside'))).status).toBe(200);
    now = new Date(now.getTime() + 24 * HOUR + 1000);
    const answer = await postMessage(sync.url, text('393330000101', 'outside'));
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 131047, message: '(#131047) Re-engagement message' } } });
    // A template may still start the conversation.
    expect((await postMessage(sync.url, template('393330000101', 'receipt', ['a', 'b']))).status).toBe(200);
  });

  it('131047 outside the window: 200 and then a failed status in async mode', async () => {
    receiver.clear();
    const answer = await postMessage(async_.url, text('393330000102', 'never wrote'));
    expect(answer.status).toBe(200);
    const wamid = wamidOf(answer);
    const [failed] = await receiver.waitFor(() => receiver.statuses(wamid).length > 0 && receiver.statuses(wamid));
    expect(failed).toMatchObject({
      status: 'failed',
      errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: expect.any(String) } }],
    });
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
  });

  it('131050 for marketing to a user who stopped marketing; utility still goes', async () => {
    await sync.setMarketingPreference({ waId: '393330000103', value: 'stop' });
    expect(errorCode(await postMessage(sync.url, template('393330000103', 'promo', ['x'])))).toBe(131050);
    expect((await postMessage(sync.url, template('393330000103', 'receipt', ['a', 'b']))).status).toBe(200);
    await sync.setMarketingPreference({ waId: '393330000103', value: 'resume' });
    expect((await postMessage(sync.url, template('393330000103', 'promo', ['x']))).status).toBe(200);
  });

  it('131050 arrives as a failed status when marketing errors are asynchronous (the default)', async () => {
    receiver.clear();
    await async_.setMarketingPreference({ waId: '393330000104', value: 'stop' });
    const answer = await postMessage(async_.url, template('393330000104', 'promo', ['x']));
    expect(answer.status).toBe(200);
    const [failed] = await receiver.waitFor(() => receiver.statuses(wamidOf(answer)).length > 0 && receiver.statuses(wamidOf(answer)));
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131050 }] });
  });

  it('131049 for marketing templates to +1 numbers and above the per-user cap', async () => {
    expect(errorCode(await postMessage(sync.url, template('14155550100', 'promo', ['x'])))).toBe(131049);
    expect((await postMessage(sync.url, template('14155550100', 'receipt', ['a', 'b']))).status).toBe(200);
    expect((await postMessage(sync.url, template('393330000105', 'promo', ['1']))).status).toBe(200);
    expect((await postMessage(sync.url, template('393330000105', 'promo', ['2']))).status).toBe(200);
    expect(errorCode(await postMessage(sync.url, template('393330000105', 'promo', ['3'])))).toBe(131049);
    now = new Date(now.getTime() + 24 * HOUR + 1000);
    expect((await postMessage(sync.url, template('393330000105', 'promo', ['4']))).status).toBe(200);
  });

  it('131026 arrives asynchronously for a user not on WhatsApp', async () => {
    receiver.clear();
    expect((await control(async_.url, '/sim/customers', { waId: '393330000106', onWhatsApp: false })).status).toBe(200);
    const answer = await postMessage(async_.url, template('393330000106', 'receipt', ['a', 'b']));
    expect(answer.status).toBe(200);
    const [failed] = await receiver.waitFor(() => receiver.statuses(wamidOf(answer)).length > 0 && receiver.statuses(wamidOf(answer)));
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] });
  });

  it('keeps the injectable faults: 131000, 5xx and timeouts', async () => {
    await sync.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393330000107', text: 'hi' });
    await control(sync.url, '/sim/faults', { to: '393330000107', kind: 'graph_error', code: 131000 });
    expect(await postMessage(sync.url, text('393330000107', 'x'))).toMatchObject({ status: 500, body: { error: { code: 131000 } } });
    await control(sync.url, '/sim/faults', { to: '393330000107', kind: 'server_error' });
    expect((await postMessage(sync.url, text('393330000107', 'x'))).status).toBe(502);
    await control(sync.url, '/sim/faults', { to: '393330000107', kind: 'timeout' });
    const before = sync.state.sent.length;
    await expect(
      fetch(`${sync.url}/v24.0/${NUMBER.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${NUMBER.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(text('393330000107', 'lost answer')),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(sync.state.sent.length).toBe(before + 1);
  });

  it('counts unique users reached outside the window in a moving 24 h', async () => {
    const sim = await startSimulator({ numbers: [NUMBER], now: () => now });
    const reached = async () => (await (await fetch(`${sim.url}/sim/config`)).json()) satisfies unknown;
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393330000200', text: 'hi' });
    for (const user of ['393330000200', '393330000201', '393330000202', '393330000202'])
      await postMessage(sim.url, template(user, 'any_template'));
    expect(await reached()).toMatchObject({ numbers: [{ phoneNumberId: NUMBER.phoneNumberId, uniqueRecipients24h: 2 }] });
    now = new Date(now.getTime() + 24 * HOUR);
    expect(await reached()).toMatchObject({ numbers: [{ uniqueRecipients24h: 0 }] });
    await sim.close();
  });
});

describe('send endpoint: rate limits (opt-in)', () => {
  let now = new Date('2026-11-22T10:00:00Z');
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({
      numbers: [NUMBER],
      now: () => now,
      throughput: { messagesPerSecond: 80 },
      pairRate: { burst: 45, intervalMs: 6000 },
    });
  });
  afterAll(() => sim.close());

  it('130429: 80 messages in one second pass, the 81st fails; inbound counts too', async () => {
    const users = Array.from({ length: 81 }, (_, i) => `39333100${String(i).padStart(4, '0')}`);
    const answers = [];
    for (const user of users) answers.push(await postMessage(sim.url, template(user, 'hello_world')));
    expect(answers.slice(0, 80).every((a) => a.status === 200)).toBe(true);
    expect(answers[80]).toMatchObject({ status: 400, body: { error: { code: 130429, message: '(#130429) Rate limit hit' } } });
    now = new Date(now.getTime() + 1000);
    for (let i = 0; i < 80; i += 1) await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393339990000', text: `in ${i}` });
    expect(errorCode(await postMessage(sim.url, template('393339990001', 'hello_world')))).toBe(130429);
    now = new Date(now.getTime() + 1000);
    expect((await postMessage(sim.url, template('393339990001', 'hello_world'))).status).toBe(200);
  });

  it('131056: a burst of 45 to one user passes, the 46th fails, one more passes 6 s later', async () => {
    now = new Date(now.getTime() + 60_000);
    const user = '393332220000';
    const answers = [];
    for (let i = 0; i < 46; i += 1) {
      answers.push(await postMessage(sim.url, template(user, 'hello_world')));
      // Spread over more than a second so the number's own limit stays out of the way.
      now = new Date(now.getTime() + 30);
    }
    expect(answers.slice(0, 45).every((a) => a.status === 200)).toBe(true);
    expect(answers[45]).toMatchObject({ status: 400, body: { error: { code: 131056 } } });
    expect((await postMessage(sim.url, template('393332220001', 'hello_world'))).status).toBe(200);
    now = new Date(now.getTime() + 6000);
    expect((await postMessage(sim.url, template(user, 'hello_world'))).status).toBe(200);
    expect(errorCode(await postMessage(sim.url, template(user, 'hello_world')))).toBe(131056);
  });
});
