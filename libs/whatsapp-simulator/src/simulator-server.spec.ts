import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhookBody } from '@parley/whatsapp';
import { type RunningSimulator, startSimulator } from './simulator-server';

describe('WhatsApp simulator send endpoint', () => {
  let sim: RunningSimulator;
  const number = { phoneNumberId: '111', accessToken: 'good-token', displayPhoneNumber: '15550001111', wabaId: '222' };
  let now = new Date('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    sim = await startSimulator({ numbers: [number], now: () => now });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function send(body: unknown, token = 'good-token', pnid = '111') {
    const response = await fetch(`${sim.url}/v24.0/${pnid}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const text = (to: string, body: string) => ({
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { body },
  });

  it('accepts a text inside the 24 h window and returns wamid and wa_id', async () => {
    await sim.customerSends({ phoneNumberId: '111', from: '393331234567', text: 'hello' });
    const response = await send(text('+393331234567', 'Hi!'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+393331234567', wa_id: '393331234567' }],
      messages: [{ id: expect.stringMatching(/^wamid\./) }],
    });
    expect(sim.state.sent.at(-1)).toMatchObject({ to: '393331234567', type: 'text' });
  });

  it('answers 131047 outside the window', async () => {
    now = new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1000);
    const response = await send(text('393331234567', 'Still there?'));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: {
        code: 131047,
        message: '(#131047) Re-engagement message',
        error_data: { details: expect.any(String) },
        fbtrace_id: expect.any(String),
      },
    });
  });

  it('refuses a wrong token with 190 and an unknown number with 100', async () => {
    expect(await send(text('1', 'x'), 'bad')).toMatchObject({ status: 401, body: { error: { code: 190 } } });
    expect(await send(text('1', 'x'), 'good-token', '999')).toMatchObject({ status: 400, body: { error: { code: 100 } } });
  });

  it('validates the envelope and the text limit with Meta error envelopes', async () => {
    await sim.customerSends({ phoneNumberId: '111', from: '393339999999', text: 'hello' });
    expect(await send('{"bad json')).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    expect(await send({ to: '393339999999', type: 'text', text: { body: 'x' } })).toMatchObject({
      status: 400,
      body: { error: { code: 100 } },
    });
    expect(await send(text('393339999999', 'x'.repeat(4097)))).toMatchObject({
      status: 400,
      body: { error: { code: 100, error_data: { details: expect.stringContaining('4096') } } },
    });
    expect((await send(text('393339999999', 'x'.repeat(4096)))).status).toBe(200);
  });

  it('lets a customer write through the control API', async () => {
    const response = await fetch(`${sim.url}/sim/customer-messages`, {
      method: 'POST',
      body: JSON.stringify({ from: '393330000000', text: 'price?' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ wamid: expect.stringMatching(/^wamid\./), delivered: false });
    const bad = await fetch(`${sim.url}/sim/customer-messages`, { method: 'POST', body: JSON.stringify({ from: 'abc', text: '' }) });
    expect(bad.status).toBe(400);
  });

  describe('status webhooks', () => {
    let receiver: Server;
    const received: { body: string; signature: string | undefined }[] = [];

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const signature = request.headers['x-hub-signature-256'];
          received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: typeof signature === 'string' ? signature : undefined });
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const address = receiver.address();
      if (typeof address !== 'object' || address === null) throw new Error('no port');
      sim.setWebhook({ url: `http://127.0.0.1:${(address satisfies AddressInfo).port}/hook`, appSecret: 'app-secret' });
    });
    afterAll(async () => {
      sim.setWebhook(undefined);
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });

    it("reports a status of a sent message, signed, with the send's callback data", async () => {
      received.length = 0;
      await sim.customerSends({ phoneNumberId: '111', from: '393335550000', text: 'hi' });
      received.length = 0;
      const accepted = await send({ ...text('393335550000', 'Hello'), biz_opaque_callback_data: 'exec-1:node-2:1' });
      const wamid = sim.state.sent.at(-1)?.wamid;
      expect(accepted.status).toBe(200);
      const control = await fetch(`${sim.url}/sim/statuses`, { method: 'POST', body: JSON.stringify({ wamid, status: 'delivered' }) });
      expect(control.status).toBe(200);
      expect(received).toHaveLength(1);
      const [delivery] = received;
      expect(delivery?.signature).toBe(signWebhookBody(delivery?.body ?? '', 'app-secret'));
      expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '222',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '111' },
                  statuses: [{ id: wamid, status: 'delivered', recipient_id: '393335550000', biz_opaque_callback_data: 'exec-1:node-2:1' }],
                },
              },
            ],
          },
        ],
      });
    });

    it("reports failures with Meta's error list, and refuses unknown messages", async () => {
      received.length = 0;
      const wamid = sim.state.sent.at(-1)?.wamid;
      await sim.sendStatus(wamid ?? '', 'failed', { code: 131049, title: 'Not delivered to maintain healthy ecosystem engagement' });
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
        entry: [{ changes: [{ value: { statuses: [{ status: 'failed', errors: [{ code: 131049 }] }] } }] }],
      });
      const unknown = await fetch(`${sim.url}/sim/statuses`, {
        method: 'POST',
        body: JSON.stringify({ wamid: 'wamid.nope', status: 'read' }),
      });
      expect(unknown.status).toBe(404);
      const bad = await fetch(`${sim.url}/sim/statuses`, { method: 'POST', body: JSON.stringify({ wamid, status: 'exploded' }) });
      expect(bad.status).toBe(400);
    });
  });
});
