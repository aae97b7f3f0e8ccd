import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';

const T0 = 1_795_100_000;

/**
 * Edits and revocations (Meta's `edit` and `revoke` message webhooks, shapes
 * from its reference) are kept against the message they change, in whatever
 * order they arrive; one item of a delivery that cannot be applied never
 * blocks the others.
 */
describe('WhatsApp webhooks: edited and deleted messages, and one item never blocking the others', () => {
  let h: EngineHarness;
  let seq = 0;

  beforeAll(async () => {
    // Retries here come from settle() only, so a test can look at a delivery between two attempts.
    h = await startEngineHarness({ env: { SWEEP_INTERVAL_MS: '600000' } });
  });
  afterAll(async () => {
    await h.close();
  });

  function wamid(): string {
    seq += 1;
    return `wamid.change${seq}`;
  }

  function delivery(waId: string, messages: Record<string, unknown>[]) {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '200001',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001', phone_number_id: h.workspace.phoneNumberId },
                contacts: [{ profile: { name: 'Elena' }, wa_id: waId }],
                messages: messages.map((message) => ({ from: waId, ...message })),
              },
            },
          ],
        },
      ],
    };
  }

  async function deliver(waId: string, ...messages: Record<string, unknown>[]): Promise<void> {
    expect((await postWebhook(h.url, delivery(waId, messages), { secret: h.appSecret })).status).toBe(200);
    await h.settle();
  }

  const text = (body: string, at: number) => ({ id: wamid(), timestamp: String(at), type: 'text', text: { body } });
  const edit = (original: string, at: number, message: Record<string, unknown>) => ({
    id: wamid(),
    timestamp: String(at),
    type: 'edit',
    edit: { original_message_id: original, message },
  });
  const revoke = (original: string, at: number) => ({
    id: wamid(),
    timestamp: String(at),
    type: 'revoke',
    revoke: { original_message_id: original },
  });

  /** The stored message (whole row, so the test reads what is there whatever the schema). */
  async function message(id: string): Promise<Record<string, unknown>> {
    const [row] = await h.sql('SELECT to_jsonb(m) AS m FROM messages m WHERE wamid = $1', [id]);
    const stored = obj(row?.['m']);
    const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : value);
    return { ...stored, edited_at: date(stored['edited_at']), revoked_at: date(stored['revoked_at']) };
  }

  async function conversation(contactId: string): Promise<Record<string, unknown>[]> {
    const response = await h.workspace.admin.get(`/api/contacts/${contactId}/messages`);
    expect(response.status).toBe(200);
    return arr(obj(response.body)['data']).map(obj);
  }

  async function lastDelivery(): Promise<Record<string, unknown>> {
    const [row] = await h.sql('SELECT status, attempts, last_error, notes, processed_at FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
    return obj(row);
  }

  it('an edit replaces the text, keeps every version, and is never parked', async () => {
    const original = text('vorrei 2 pizze', T0);
    await deliver('393336000001', original);
    const first = edit(str(original['id']), T0 + 30, { type: 'text', text: { body: 'vorrei 3 pizze' } });
    await deliver('393336000001', first);
    expect(await message(str(original['id']))).toMatchObject({ text: 'vorrei 3 pizze' });
    expect(await lastDelivery()).toMatchObject({ status: 'processed', attempts: 1, last_error: null });
    const second = edit(str(original['id']), T0 + 60, { type: 'text', text: { body: 'vorrei 4 pizze' } });
    await deliver('393336000001', second);

    const stored = await message(str(original['id']));
    expect(stored).toMatchObject({ text: 'vorrei 4 pizze', edited_at: new Date((T0 + 60) * 1000), revoked_at: null });
    // An edit is not a new message and starts nothing of its own.
    expect(await h.count('messages', `wamid IN ($1, $2)`, [first['id'], second['id']])).toBe(0);
    expect(await h.count('events', `type = 'message.received' AND source_id IN ($1, $2)`, [first['id'], second['id']])).toBe(0);
    const [view] = await conversation(str(stored['contact_id']));
    expect(view).toMatchObject({
      wamid: original['id'],
      text: 'vorrei 4 pizze',
      editedAt: new Date((T0 + 60) * 1000).toISOString(),
      revokedAt: null,
      edits: [
        { text: 'vorrei 3 pizze', at: new Date((T0 + 30) * 1000).toISOString() },
        { text: 'vorrei 4 pizze', at: new Date((T0 + 60) * 1000).toISOString() },
      ],
    });
    // The original words stay in the message as received.
    const [raw] = await h.sql('SELECT payload FROM messages WHERE wamid = $1', [original['id']]);
    expect(obj(obj(raw?.['payload'])['text'])['body']).toBe('vorrei 2 pizze');
  });

  it('an older edit arriving after a newer one goes into the history without replacing the text', async () => {
    const original = text('alle 8', T0);
    await deliver('393336000002', original);
    await deliver('393336000002', edit(str(original['id']), T0 + 90, { type: 'text', text: { body: 'alle 9' } }));
    await deliver('393336000002', edit(str(original['id']), T0 + 45, { type: 'text', text: { body: 'alle 8 e mezza' } }));
    expect(await message(str(original['id']))).toMatchObject({ text: 'alle 9', edited_at: new Date((T0 + 90) * 1000) });
    expect(await h.count('message_changes', `original_wamid = $1 AND message_id IS NOT NULL`, [original['id']])).toBe(2);
  });

  it('an edited image caption becomes the message text', async () => {
    const image = {
      id: wamid(),
      timestamp: String(T0),
      type: 'image',
      image: { caption: 'la mia ricevuta', mime_type: 'image/jpeg', sha256: 'abc', id: '1234567890' },
    };
    await deliver('393336000003', image);
    await deliver(
      '393336000003',
      edit(str(image['id']), T0 + 20, {
        context: { id: str(image['id']) },
        type: 'image',
        image: { caption: 'la ricevuta di ieri', mime_type: 'image/jpeg', sha256: 'abc', id: '1234567890', url: 'https://example.com/x' },
      }),
    );
    expect(await message(str(image['id']))).toMatchObject({ text: 'la ricevuta di ieri', edited_at: new Date((T0 + 20) * 1000) });
  });

  it('a revoked message is marked revoked, shows no text anywhere in the API, and keeps its words for the audit only', async () => {
    const original = text('il mio codice fiscale è RSSMRA80A01H501U', T0);
    await deliver('393336000004', original);
    await deliver('393336000004', edit(str(original['id']), T0 + 10, { type: 'text', text: { body: 'codice: RSSMRA80A01H501U' } }));
    const taken = revoke(str(original['id']), T0 + 20);
    await deliver('393336000004', taken);
    const stored = await message(str(original['id']));
    expect(stored).toMatchObject({ text: null, revoked_at: new Date((T0 + 20) * 1000) });
    expect(await lastDelivery()).toMatchObject({ status: 'processed', attempts: 1, last_error: null });
    const view = await conversation(str(stored['contact_id']));
    expect(view).toEqual([
      expect.objectContaining({ wamid: original['id'], text: null, revokedAt: new Date((T0 + 20) * 1000).toISOString(), edits: [] }),
    ]);
    expect(JSON.stringify(view)).not.toContain('RSSMRA80A01H501U');
    expect(await h.sql('SELECT kind, text FROM message_changes WHERE wamid = $1', [taken['id']])).toEqual([
      { kind: 'revoke', text: 'codice: RSSMRA80A01H501U' },
    ]);
    // An edit that comes after the revoke (delivered late) never brings the words back.
    await deliver('393336000004', edit(str(original['id']), T0 + 15, { type: 'text', text: { body: 'ancora il codice' } }));
    expect(await message(str(original['id']))).toMatchObject({ text: null });
  });

  it('keeps an edit or a revoke that arrives before its message, and applies it when the message comes', async () => {
    const edited = text('ordine per domani', T0);
    await deliver('393336000005', edit(str(edited['id']), T0 + 30, { type: 'text', text: { body: 'ordine per dopodomani' } }));
    await deliver('393336000005', edited);
    expect(await message(str(edited['id']))).toMatchObject({ text: 'ordine per dopodomani', edited_at: new Date((T0 + 30) * 1000) });
    expect(await h.count('message_changes', `original_wamid = $1 AND message_id IS NOT NULL`, [edited['id']])).toBe(1);
    // The flows see the message as the customer left it.
    const [received] = await h.sql(`SELECT payload FROM events WHERE type = 'message.received' AND source_id = $1`, [edited['id']]);
    expect(obj(received?.['payload'])['text']).toBe('ordine per dopodomani');

    const revoked = text('STOP', T0 + 100);
    await deliver('393336000005', revoke(str(revoked['id']), T0 + 110));
    await deliver('393336000005', revoked);
    expect(await message(str(revoked['id']))).toMatchObject({ text: null, revoked_at: new Date((T0 + 110) * 1000) });
    // Taken back before we saw it: stored for the audit, but nothing acts on its words.
    expect(await h.count('events', `type = 'message.received' AND source_id = $1`, [revoked['id']])).toBe(0);
    const [consent] = await h.sql(`SELECT marketing_consent FROM contacts WHERE wa_id = '393336000005'`);
    expect(consent?.['marketing_consent']).toBe('unknown');
  });

  it('through the simulator: a customer edits then deletes a message, and the conversation follows', async () => {
    const send = (message: Parameters<EngineHarness['simulator']['customerSends']>[0]['message']) =>
      h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393336000010', name: 'Lia', message });
    const { wamid: original } = await send({ type: 'text', text: 'prenoto per 2' });
    await send({ type: 'edit', originalWamid: original, text: 'prenoto per 4' });
    await h.settle();
    const contactId = str((await message(original))['contact_id']);
    expect(await conversation(contactId)).toEqual([
      expect.objectContaining({ wamid: original, text: 'prenoto per 4', edits: [expect.objectContaining({ text: 'prenoto per 4' })] }),
    ]);
    await send({ type: 'revoke', originalWamid: original });
    await h.settle();
    expect(await conversation(contactId)).toEqual([
      expect.objectContaining({ wamid: original, text: null, edits: [], revokedAt: expect.any(String) }),
    ]);
  });

  it('shows replies and reactions with the message they point at', async () => {
    const question = text('avete il rosso?', T0);
    await deliver('393336000011', question);
    const reply = { ...text('e il blu?', T0 + 1), context: { from: '393336000011', id: question['id'] } };
    const reaction = { id: wamid(), timestamp: String(T0 + 2), type: 'reaction', reaction: { message_id: question['id'], emoji: '👍' } };
    await deliver('393336000011', reply, reaction);
    const contactId = str((await message(str(question['id'])))['contact_id']);
    expect(await conversation(contactId)).toEqual([
      expect.objectContaining({ wamid: reaction['id'], type: 'reaction', reactsToWamid: question['id'], reactionEmoji: '👍' }),
      expect.objectContaining({ wamid: reply['id'], replyToWamid: question['id'], reactsToWamid: null, reactionEmoji: null }),
      expect.objectContaining({ wamid: question['id'], replyToWamid: null }),
    ]);
  });

  it('never applies a change to another customer’s message', async () => {
    const theirs = text('messaggio di Bruno', T0);
    await deliver('393336000006', theirs);
    await deliver('393336000007', revoke(str(theirs['id']), T0 + 5));
    expect(await message(str(theirs['id']))).toMatchObject({ text: 'messaggio di Bruno', revoked_at: null });
    expect(arr((await lastDelivery())['notes'])).toEqual([expect.stringContaining('another customer')]);
  });

  it('stores the other items of a delivery when one cannot be applied, notes it, and does not retry the delivery', async () => {
    // A stand-in for an item the processor cannot apply: the database refuses this one message for good.
    await h.dataSource.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.wamid = 'wamid.poison' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_poison();
    `);
    try {
      const before = text('prima', T0);
      const after = text('dopo', T0 + 2);
      const original = text('da modificare', T0 - 10);
      await deliver('393336000008', original);
      await deliver(
        '393336000008',
        before,
        { id: 'wamid.poison', timestamp: String(T0 + 1), type: 'text', text: { body: 'questo no' } },
        edit(str(original['id']), T0 + 3, { type: 'text', text: { body: 'modificato' } }),
        after,
      );
      expect(await h.count('messages', `wamid IN ($1, $2)`, [before['id'], after['id']])).toBe(2);
      expect(await message(str(original['id']))).toMatchObject({ text: 'modificato' });
      const stored = await lastDelivery();
      expect(stored).toMatchObject({ status: 'processed', attempts: 1, last_error: null, processed_at: expect.any(Date) });
      expect(arr(stored['notes'])).toEqual([
        expect.stringMatching(/^item 2 \(message wamid\.poison\) could not be applied: refused for the test/),
        expect.stringContaining('edit of'),
      ]);
      expect(await h.count('messages', `wamid = 'wamid.poison'`)).toBe(0);
    } finally {
      await h.dataSource.query('DROP TRIGGER refuse_poison ON messages; DROP FUNCTION refuse_poison();');
    }
  });

  it('retries the whole delivery on a passing database fault, and stores everything once it passes', async () => {
    await h.dataSource.query(`
      CREATE TABLE fault_switch (on_ boolean);
      INSERT INTO fault_switch VALUES (true);
      CREATE FUNCTION passing_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM fault_switch WHERE on_) THEN
          RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER passing_fault BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION passing_fault();
    `);
    try {
      const one = text('uno', T0);
      const two = text('due', T0 + 1);
      expect((await postWebhook(h.url, delivery('393336000009', [one, two]), { secret: h.appSecret })).status).toBe(200);
      await h.idle();
      expect(await lastDelivery()).toMatchObject({
        status: 'pending',
        processed_at: null,
        last_error: expect.stringContaining('serialize'),
      });
      expect(await h.count('messages', `wamid IN ($1, $2)`, [one['id'], two['id']])).toBe(0);
      await h.dataSource.query('UPDATE fault_switch SET on_ = false');
      await h.settle();
      expect(await lastDelivery()).toMatchObject({ status: 'processed', processed_at: expect.any(Date) });
      expect(await h.count('messages', `wamid IN ($1, $2)`, [one['id'], two['id']])).toBe(2);
    } finally {
      await h.dataSource.query('DROP TRIGGER passing_fault ON messages; DROP FUNCTION passing_fault(); DROP TABLE fault_switch;');
    }
  });
});
