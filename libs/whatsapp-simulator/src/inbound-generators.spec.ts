import { parseWebhookItems, webhookEnvelopeSchema } from '@parley/whatsapp';
import { type CustomerMessage } from './customer-message';
import { type RunningSimulator, startSimulator } from './simulator-server';
import { control, NUMBER, postMessage, text } from './graph-calls.spec-helper';
import { WebhookReceiver } from './webhook-receiver.spec-helper';

describe('inbound generators: every message type the engine parses', () => {
  let sim: RunningSimulator;
  const receiver = new WebhookReceiver('inbound-secret');
  const from = '393336660000';

  beforeAll(async () => {
    await receiver.start();
    sim = await startSimulator({ numbers: [NUMBER], webhook: receiver.target() });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  /** Sends one message and returns the `messages[]` item as delivered, after the engine's parser read it. */
  async function deliver(message: CustomerMessage, extra: { userId?: string; hideNumber?: boolean } = {}) {
    receiver.clear();
    const { wamid, delivery } = await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from, name: 'Ana Lima', message, ...extra });
    expect(delivery).toMatchObject({ delivered: true });
    const [received] = receiver.received;
    expect(received?.signatureValid).toBe(true);
    const items = parseWebhookItems(webhookEnvelopeSchema.parse(received?.body));
    expect(items).toHaveLength(1);
    const [item] = items;
    if (item?.kind !== 'message') throw new Error(`not parsed as a message: ${JSON.stringify(item)}`);
    expect(item.message.wamid).toBe(wamid);
    return { item, raw: item.message.raw };
  }

  it('text, with a click-to-WhatsApp referral', async () => {
    const { item, raw } = await deliver({
      type: 'text',
      text: 'I saw your ad',
      referral: {
        sourceUrl: 'https://fb.me/ad',
        sourceId: '120000',
        sourceType: 'ad',
        headline: 'Sale',
        body: 'Big sale',
        mediaType: 'image',
        ctwaClid: 'clid-1',
      },
    });
    expect(item.message.text).toBe('I saw your ad');
    expect(item.sender).toEqual({ waId: from, userId: null, profileName: 'Ana Lima' });
    expect(raw).toMatchObject({
      type: 'text',
      referral: {
        source_url: 'https://fb.me/ad',
        source_id: '120000',
        source_type: 'ad',
        headline: 'Sale',
        body: 'Big sale',
        media_type: 'image',
        ctwa_clid: 'clid-1',
      },
    });
  });

  it.each([
    [
      'image',
      { type: 'image', caption: 'my receipt' },
      { image: { caption: 'my receipt', mime_type: 'image/png', id: '1000000000000001' } },
    ],
    ['video', { type: 'video' }, { video: { mime_type: 'video/mp4', id: '1000000000000002' } }],
    ['voice note', { type: 'audio' }, { audio: { mime_type: 'audio/ogg; codecs=opus', voice: true, id: '1000000000000003' } }],
    [
      'document',
      { type: 'document', caption: 'invoice' },
      { document: { filename: 'receipt.pdf', mime_type: 'application/pdf', caption: 'invoice' } },
    ],
    ['sticker', { type: 'sticker' }, { sticker: { mime_type: 'image/webp', animated: false } }],
  ] as const)('%s with a media id the media endpoint serves', async (_name, message, expected) => {
    const { raw } = await deliver(message);
    expect(raw).toMatchObject({ type: message.type, ...expected, [message.type]: { sha256: expect.any(String) } });
  });

  it('location with name and address', async () => {
    const { item, raw } = await deliver({ type: 'location', latitude: 45.46, longitude: 9.19, name: 'Duomo', address: 'Piazza del Duomo' });
    expect(item.message.location).toMatchObject({ latitude: 45.46, longitude: 9.19 });
    expect(raw).toMatchObject({ location: { name: 'Duomo', address: 'Piazza del Duomo' } });
  });

  it('contacts', async () => {
    const { raw } = await deliver({
      type: 'contacts',
      contacts: [{ name: 'Marco Rossi', phone: '+39 333 111 2222', waId: '393331112222' }],
    });
    expect(raw).toMatchObject({
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Marco Rossi', first_name: 'Marco', last_name: 'Rossi' },
          phones: [{ phone: '+39 333 111 2222', wa_id: '393331112222', type: 'CELL' }],
        },
      ],
    });
  });

  it('button_reply, list_reply and a template quick-reply button, quoting the business message', async () => {
    const button = await deliver({ type: 'button_reply', id: 'yes', title: 'Yes please', replyTo: 'wamid.biz1' });
    expect(button.item.message.reply).toEqual({ id: 'yes', title: 'Yes please', kind: 'button' });
    expect(button.raw).toMatchObject({ context: { from: NUMBER.displayPhoneNumber, id: 'wamid.biz1' } });
    const row = await deliver({ type: 'list_reply', id: 'sofa', title: 'Sofa', description: 'Grey' });
    expect(row.item.message.reply).toEqual({ id: 'sofa', title: 'Sofa', kind: 'list' });
    const quick = await deliver({ type: 'quick_reply', payload: 'STOP_PROMOS', text: 'Stop promotions' });
    expect(quick.item.message.reply).toEqual({ id: 'STOP_PROMOS', title: 'Stop promotions', kind: 'button' });
    expect(quick.raw).toMatchObject({ type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' } });
  });

  it('reaction, unsupported (with 131051) and a user_changed_number system message', async () => {
    expect((await deliver({ type: 'reaction', messageId: 'wamid.biz1', emoji: '❤️' })).raw).toMatchObject({
      type: 'reaction',
      reaction: { message_id: 'wamid.biz1', emoji: '❤️' },
    });
    expect((await deliver({ type: 'unsupported' })).raw).toMatchObject({
      type: 'unsupported',
      errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: expect.any(String) } }],
    });
    const changed = await deliver({ type: 'user_changed_number', newWaId: '393336669999' });
    expect(changed.raw).toMatchObject({
      from,
      type: 'system',
      system: { wa_id: '393336669999', type: 'user_changed_number', body: expect.stringContaining('393336669999') },
    });
    expect(sim.state.users.get('393336669999')?.name).toBe('Ana Lima');
  });

  it("edits (a text, an image caption) and a revoke, in the shape of Meta's edit and revoke webhooks", async () => {
    const sent = async (message: CustomerMessage) => {
      receiver.clear();
      const { wamid, delivery } = await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from, name: 'Ana Lima', message });
      expect(delivery).toMatchObject({ delivered: true });
      const [item, ...rest] = parseWebhookItems(webhookEnvelopeSchema.parse(receiver.received[0]?.body));
      expect(rest).toEqual([]);
      if (item?.kind !== 'message_change') throw new Error(`not parsed as a change: ${JSON.stringify(item)}`);
      expect(item.change.wamid).toBe(wamid);
      return item.change;
    };
    expect(await sent({ type: 'edit', originalWamid: 'wamid.orig1', text: 'fixed typo' })).toMatchObject({
      kind: 'edit',
      originalWamid: 'wamid.orig1',
      text: 'fixed typo',
      contentType: 'text',
      raw: { from, type: 'edit', edit: { original_message_id: 'wamid.orig1', message: { type: 'text', text: { body: 'fixed typo' } } } },
    });
    expect(await sent({ type: 'edit', originalWamid: 'wamid.orig2', text: 'new caption', mediaType: 'image' })).toMatchObject({
      kind: 'edit',
      text: 'new caption',
      contentType: 'image',
      raw: { edit: { message: { type: 'image', image: { caption: 'new caption' } } } },
    });
    expect(await sent({ type: 'revoke', originalWamid: 'wamid.orig3' })).toMatchObject({
      kind: 'revoke',
      originalWamid: 'wamid.orig3',
      raw: { type: 'revoke', revoke: { original_message_id: 'wamid.orig3' } },
    });
  });

  it('a customer with a BSUID who changes number keeps it: the notice carries it, and so do their next messages', async () => {
    const mover = '393336661111';
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: mover, name: 'Rui', text: 'hi', userId: 'PT.1122' });
    receiver.clear();
    await sim.customerSends({
      phoneNumberId: NUMBER.phoneNumberId,
      from: mover,
      message: { type: 'user_changed_number', newWaId: '393336662222' },
    });
    expect(receiver.changes('messages')[0]?.value).toMatchObject({
      messages: [{ from: mover, type: 'system', system: { wa_id: '393336662222', user_id: 'PT.1122', type: 'user_changed_number' } }],
    });
    receiver.clear();
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393336662222', text: 'new number' });
    const [item] = parseWebhookItems(webhookEnvelopeSchema.parse(receiver.received[0]?.body));
    expect(item).toMatchObject({ kind: 'message', sender: { waId: '393336662222', userId: 'PT.1122' } });
  });

  it('a BSUID-only sender: no `from`, `from_user_id` and contacts[].user_id instead', async () => {
    const { item, raw } = await deliver({ type: 'text', text: 'hidden number' }, { userId: 'IT.4455667788', hideNumber: true });
    expect(raw['from']).toBeUndefined();
    expect(raw).toMatchObject({ from_user_id: 'IT.4455667788' });
    expect(item.sender).toEqual({ waId: null, userId: 'IT.4455667788', profileName: 'Ana Lima' });
    const value = receiver.changes('messages')[0]?.value;
    expect(value).toMatchObject({ contacts: [{ user_id: 'IT.4455667788', profile: { name: 'Ana Lima' } }] });
    expect(value?.['contacts']).not.toEqual([expect.objectContaining({ wa_id: expect.anything() })]);
  });

  it('posts every type through /sim/customer-messages too, and refuses bad ones', async () => {
    expect((await control(sim.url, '/sim/customer-messages', { from, message: { type: 'sticker' } })).status).toBe(200);
    expect((await control(sim.url, '/sim/customer-messages', { from, message: { type: 'image', mediaId: '123' } })).status).toBe(400);
    expect((await control(sim.url, '/sim/customer-messages', { from, message: { type: 'hologram' } })).status).toBe(400);
  });

  it('uses a wamid the caller chose (so the caller can recognise its webhook), once only', async () => {
    receiver.clear();
    const wamid = 'wamid.chosen-by-the-caller-1';
    const sent = await control(sim.url, '/sim/customer-messages', { from, text: 'price?', wamid });
    expect(sent).toMatchObject({ status: 200, body: { wamid, delivered: true } });
    const items = parseWebhookItems(webhookEnvelopeSchema.parse(receiver.received[0]?.body));
    expect(items).toEqual([expect.objectContaining({ kind: 'message', message: expect.objectContaining({ wamid, text: 'price?' }) })]);
    const again = await control(sim.url, '/sim/customer-messages', { from, text: 'price?', wamid });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.body)).toMatch(/already used/);
    expect((await control(sim.url, '/sim/customer-messages', { from, text: 'hi', wamid: 'not-a-wamid' })).status).toBe(400);
  });

  it('sends a late message with its own older timestamp, which never moves the window back, and refuses a future one', async () => {
    const late = '393336660099';
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    receiver.clear();
    const sent = await control(sim.url, '/sim/customer-messages', { from: late, text: 'thanks, bye', sentAt: twoDaysAgo.toISOString() });
    expect(sent.status).toBe(200);
    const items = parseWebhookItems(webhookEnvelopeSchema.parse(receiver.received[0]?.body));
    const [item] = items;
    if (item?.kind !== 'message') throw new Error('not parsed as a message');
    expect(item.message.timestamp.getTime()).toBe(Math.floor(twoDaysAgo.getTime() / 1000) * 1000);
    // The window counts from the message's own time: a free-text reply is refused as Meta refuses it.
    expect((await postMessage(sim.url, text(late, 'still there?'))).body).toMatchObject({ error: { code: 131047 } });
    // A message now, then a late older one: the window stays open from now.
    await control(sim.url, '/sim/customer-messages', { from: late, text: 'hello again' });
    await control(sim.url, '/sim/customer-messages', { from: late, text: 'delayed', sentAt: twoDaysAgo.toISOString() });
    expect((await postMessage(sim.url, text(late, 'yes, we are here'))).status).toBe(200);
    const future = await control(sim.url, '/sim/customer-messages', {
      from: late,
      text: 'hi',
      sentAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toMatch(/future/);
    expect((await control(sim.url, '/sim/customer-messages', { from: late, text: 'hi', sentAt: 'yesterday' })).status).toBe(400);
  });

  it('user_preferences stop and resume webhooks', async () => {
    receiver.clear();
    expect((await control(sim.url, '/sim/user-preferences', { waId: from, value: 'stop' })).body).toEqual({ delivered: true });
    await sim.setMarketingPreference({ waId: from, value: 'resume' });
    const changes = receiver.changes('user_preferences');
    expect(changes.map((c) => c.value)).toEqual([
      expect.objectContaining({
        metadata: { display_phone_number: NUMBER.displayPhoneNumber, phone_number_id: NUMBER.phoneNumberId },
        user_preferences: [
          expect.objectContaining({
            wa_id: from,
            category: 'marketing_messages',
            value: 'stop',
            detail: expect.any(String),
            timestamp: expect.any(Number),
          }),
        ],
      }),
      expect.objectContaining({ user_preferences: [expect.objectContaining({ value: 'resume' })] }),
    ]);
    expect(changes[0]?.wabaId).toBe(NUMBER.wabaId);
  });

  it('phone_number_quality_update with current_limit through the control API', async () => {
    receiver.clear();
    expect((await control(sim.url, '/sim/quality', { event: 'UPGRADE', currentLimit: 'TIER_2K' })).status).toBe(200);
    expect((await control(sim.url, '/sim/quality', { event: 'DOWNGRADE', currentLimit: 'TIER_250' })).status).toBe(200);
    expect(receiver.changes('phone_number_quality_update').map((c) => c.value)).toEqual([
      {
        display_phone_number: NUMBER.displayPhoneNumber,
        event: 'UPGRADE',
        current_limit: 'TIER_2K',
        max_daily_conversations_per_business: 'TIER_2K',
      },
      {
        display_phone_number: NUMBER.displayPhoneNumber,
        event: 'DOWNGRADE',
        old_limit: 'TIER_2K',
        current_limit: 'TIER_250',
        max_daily_conversations_per_business: 'TIER_250',
      },
    ]);
  });
});
