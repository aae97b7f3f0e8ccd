import { z } from 'zod';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from './simulator-server';
import { bodyTemplate, NUMBER, postMessage, template, text, wamidOf } from './graph-calls.spec-helper';
import { WebhookReceiver } from './webhook-receiver.spec-helper';

describe('status webhooks: the lifecycle of a sent message', () => {
  const receiver = new WebhookReceiver('status-secret');
  const sims: RunningSimulator[] = [];
  const customer = '393337770000';

  beforeAll(() => receiver.start());
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await receiver.close();
  });

  async function simulator(options: Partial<SimulatorOptions>): Promise<RunningSimulator> {
    const sim = await startSimulator({
      numbers: [NUMBER],
      webhook: receiver.target(),
      webhookRetry: { maxAttempts: 3, firstDelayMs: 10 },
      ...options,
    });
    sims.push(sim);
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: customer, text: 'hi' });
    receiver.clear();
    return sim;
  }

  async function sendAndSettle(sim: RunningSimulator, body: unknown): Promise<string> {
    const answer = await postMessage(sim.url, body);
    expect(answer.status).toBe(200);
    await sim.idle();
    return wamidOf(answer);
  }

  it('posts sent, delivered and read in order, signed, with pricing, conversation and the callback data', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 5, deliveredAfterMs: 10, readAfterMs: 10 } });
    const wamid = await sendAndSettle(sim, { ...text(customer, 'Your order shipped'), biz_opaque_callback_data: 'exec-9:node-1:1' });
    const statuses = receiver.statuses(wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const [sent, delivered, read] = statuses;
    const pricing = { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
    expect(sent).toMatchObject({
      recipient_id: customer,
      biz_opaque_callback_data: 'exec-9:node-1:1',
      pricing,
      conversation: { id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: expect.any(String), origin: { type: 'service' } },
    });
    expect(delivered).toMatchObject({
      biz_opaque_callback_data: 'exec-9:node-1:1',
      pricing,
      conversation: { id: expect.any(String), origin: { type: 'service' } },
    });
    const conversationId = (status: unknown) => z.object({ conversation: z.object({ id: z.string() }) }).parse(status).conversation.id;
    expect(conversationId(delivered)).toBe(conversationId(sent));
    expect(delivered?.['conversation']).not.toHaveProperty('expiration_timestamp');
    expect(read).toMatchObject({ biz_opaque_callback_data: 'exec-9:node-1:1' });
    expect(read).not.toHaveProperty('pricing');
    expect(sim.state.sent.find((m) => m.wamid === wamid)?.status).toBe('read');
  });

  it('prices a marketing template as billable regular marketing', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, deliveredAfterMs: 1 }, templates: [bodyTemplate('deal', 'MARKETING', 0)] });
    const wamid = await sendAndSettle(sim, template(customer, 'deal'));
    expect(receiver.statuses(wamid)[0]).toMatchObject({
      pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
      conversation: { origin: { type: 'marketing' } },
    });
  });

  it('skips delivered when the message is read at once', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, deliveredAfterMs: 5, readAfterMs: 5, skipDeliveredProbability: 1 } });
    const wamid = await sendAndSettle(sim, text(customer, 'quick'));
    expect(receiver.statuses(wamid).map((s) => s.status)).toEqual(['sent', 'read']);
  });

  it('posts duplicates', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, deliveredAfterMs: 20, duplicateProbability: 1 } });
    const wamid = await sendAndSettle(sim, text(customer, 'twice'));
    expect(receiver.statuses(wamid).map((s) => s.status)).toEqual(['sent', 'sent', 'delivered', 'delivered']);
  });

  it('reorders from a seeded PRNG: the same seed gives the same run, timestamps keep the true order', async () => {
    const run = async () => {
      const sim = await simulator({
        statuses: { sentAfterMs: 10, deliveredAfterMs: 40, readAfterMs: 40, reorderProbability: 0.5, seed: 7 },
      });
      const orders: string[][] = [];
      for (let i = 0; i < 4; i += 1) {
        const wamid = await sendAndSettle(sim, text(customer, `m${i}`));
        orders.push(receiver.statuses(wamid).map((s) => s.status));
      }
      return orders;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.some((order) => order.join() !== 'sent,delivered,read')).toBe(true);
    expect(first.every((order) => [...order].sort().join() === 'delivered,read,sent')).toBe(true);
    const sim = await simulator({ statuses: { sentAfterMs: 10, deliveredAfterMs: 40, reorderProbability: 1 } });
    const wamid = await sendAndSettle(sim, text(customer, 'overtaken'));
    const statuses = receiver.statuses(wamid);
    expect(statuses.map((s) => s.status)).toEqual(['delivered', 'sent']);
    expect(Number(statuses[0]?.timestamp)).toBeGreaterThanOrEqual(Number(statuses[1]?.timestamp));
  });

  it("fails after sent for an asynchronous failure, with Meta's error object", async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, failedAfterMs: 5 }, windowErrors: 'async' });
    const wamid = await sendAndSettle(sim, { ...text('393337779999', 'never wrote to us'), biz_opaque_callback_data: 'k-1' });
    const statuses = receiver.statuses(wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(statuses[1]).toMatchObject({
      biz_opaque_callback_data: 'k-1',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: { details: expect.any(String) },
          href: expect.any(String),
        },
      ],
    });
  });

  it('reads when the customer opens the chat, when no read delay is set', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, deliveredAfterMs: 1 } });
    const wamid = await sendAndSettle(sim, text(customer, 'open me'));
    expect(receiver.statuses(wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect(sim.markRead({ phoneNumberId: NUMBER.phoneNumberId, waId: customer })).toBe(1);
    await sim.idle();
    expect(receiver.statuses(wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('batches several statuses into one POST when configured', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 5, deliveredAfterMs: 1000 }, webhookBatch: { maxChanges: 10, windowMs: 60 } });
    const answers = await Promise.all([0, 1, 2].map((i) => postMessage(sim.url, text(customer, `batch ${i}`))));
    await receiver.waitFor(() => receiver.statuses().length >= 3);
    expect(receiver.received).toHaveLength(1);
    const [post] = receiver.received;
    expect(post?.signatureValid).toBe(true);
    expect(post?.body.entry).toHaveLength(1);
    expect(post?.body.entry[0]?.changes).toHaveLength(1);
    expect(
      receiver
        .statuses()
        .map((s) => s.id)
        .sort(),
    ).toEqual(answers.map(wamidOf).sort());
  });

  it('retries a webhook the receiver refused', async () => {
    const sim = await simulator({ statuses: { sentAfterMs: 1, deliveredAfterMs: 100 } });
    receiver.failNext = [500, 503];
    const wamid = await sendAndSettle(sim, text(customer, 'retry me'));
    expect(receiver.failNext).toEqual([]);
    expect(receiver.statuses(wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('emits nothing on its own by default', async () => {
    const sim = await simulator({});
    await sendAndSettle(sim, text(customer, 'quiet'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(0);
    expect(sim.markRead({ phoneNumberId: NUMBER.phoneNumberId, waId: customer })).toBe(0);
  });
});
