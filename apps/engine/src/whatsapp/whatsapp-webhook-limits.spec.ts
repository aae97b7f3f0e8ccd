import { WEBHOOK_LIMITS } from '@parley/whatsapp';
import { inboundTextPayload, newWamid } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';

/**
 * Signed webhook bodies beyond the webhook limits (nesting, string length,
 * array length, keys) come from Meta's secret, so they are answered 200 (Meta
 * would only send them again), stored as received and marked `rejected` with
 * the reason, and never processed or retried.
 */
describe('WhatsApp webhook limits', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** A real-looking delivery whose message carries `extra` (JSON text, so it can be deeper than JSON.stringify goes). */
  function envelopeWith(extra: unknown, extraJson = JSON.stringify(extra)): string {
    const marker = '"__extra__"';
    return JSON.stringify({
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
                contacts: [{ profile: { name: 'Deep' }, wa_id: '393337000001' }],
                messages: [
                  { from: '393337000001', id: newWamid(), timestamp: '1795200000', type: 'text', text: { body: 'hi' }, extra: '__extra__' },
                ],
              },
            },
          ],
        },
      ],
    }).replace(marker, extraJson);
  }

  async function storedRejected(body: string, reason: RegExp): Promise<void> {
    const messagesBefore = await h.count('messages');
    const response = await postWebhook(h.url, body, { secret: h.appSecret });
    expect(response.status).toBe(200);
    // settle() would throw if a delivery stayed pending (a retry loop); it returns once nothing is left.
    await h.settle();
    const [delivery] = await h.sql(
      'SELECT body, status, notes, attempts, last_error, processed_at FROM webhook_deliveries ORDER BY id DESC LIMIT 1',
    );
    const row = obj(delivery);
    expect(Buffer.isBuffer(row['body']) && row['body'].equals(Buffer.from(body))).toBe(true);
    expect(row).toMatchObject({ status: 'rejected', attempts: 0, last_error: null, processed_at: expect.any(Date) });
    expect(arr(row['notes'])).toEqual([expect.stringMatching(reason)]);
    expect(await h.count('messages')).toBe(messagesBefore);
  }

  it('stores a signed payload nested 100,000 levels deep raw, marks it rejected, answers 200 and never retries it', async () => {
    const depth = 100_000;
    await storedRejected(
      envelopeWith(null, '['.repeat(depth) + ']'.repeat(depth)),
      /nesting at \$\.entry\[0\]\..* is deeper than 64 levels/,
    );
  });

  it('rejects a nesting just past the limit (68 levels) the same way', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 60; i += 1) deep = { a: deep };
    await storedRejected(envelopeWith(deep), /deeper than 64 levels/);
  });

  it('rejects a string, an array or an object beyond its limit', async () => {
    await storedRejected(
      envelopeWith('x'.repeat(WEBHOOK_LIMITS.maxStringLength + 1)),
      /a string at .* is 131073 characters long; the limit is 131072/,
    );
    await storedRejected(
      envelopeWith(new Array(WEBHOOK_LIMITS.maxArrayLength + 1).fill(0)),
      /an array at .* has 10001 items; the limit is 10000/,
    );
    await storedRejected(
      envelopeWith(Object.fromEntries(Array.from({ length: WEBHOOK_LIMITS.maxObjectKeys + 1 }, (_, i) => [`k${i}`, i]))),
      /an object at .* has 1001 keys; the limit is 1000/,
    );
  });

  it('still refuses an unsigned deep payload with 401 and stores nothing', async () => {
    const before = await h.count('webhook_deliveries');
    const body = envelopeWith(null, '['.repeat(50_000) + ']'.repeat(50_000));
    expect((await postWebhook(h.url, body, { signature: null })).status).toBe(401);
    expect(await h.count('webhook_deliveries')).toBe(before);
  });

  it('processes the next delivery normally, and one within the limits however large', async () => {
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('fixture');
    const next = inboundTextPayload({ number, from: '393337000002', name: 'Next', wamid: newWamid(), text: 'after', sentAt: new Date() });
    expect((await postWebhook(h.url, next, { secret: h.appSecret })).status).toBe(200);
    await h.settle();
    expect(await h.count('messages', `text = 'after'`)).toBe(1);

    let deep: unknown = 'x';
    for (let i = 0; i < 50; i += 1) deep = { a: deep };
    const within = envelopeWith([deep, 'y'.repeat(WEBHOOK_LIMITS.maxStringLength), new Array(WEBHOOK_LIMITS.maxArrayLength).fill(1)]);
    expect((await postWebhook(h.url, within, { secret: h.appSecret })).status).toBe(200);
    await h.settle();
    const [delivery] = await h.sql('SELECT status, notes FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
    expect(delivery).toEqual({ status: 'processed', notes: [] });
  });
});
