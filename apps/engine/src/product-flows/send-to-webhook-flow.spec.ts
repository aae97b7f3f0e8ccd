import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { DEFAULT_FLOW_SETTINGS } from '@parley/flow-core';
import { outgoingWebhookSecret } from '../crm/outgoing-webhook/outgoing-webhook-secret';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { obj, str } from '../test-support/json';
import { Scenario } from '../test-support/scenario';

/** Send to webhook inside a published flow: the engine signs with the workspace key (needs the StepServicesFactory wiring). */
describe('Send to webhook in a running flow', () => {
  let h: EngineHarness;
  let receiver: Server;
  let port = 0;
  const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    h = await startEngineHarness();
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await h.close();
  });

  it('POSTs the contact signed with the workspace key and the step idempotency key', async () => {
    const s = await Scenario.create(h, 'webhook flow');
    await s.settings({ httpAllowList: ['127.0.0.1'] });
    await s.publish({
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.inbound_message', typeVersion: 1, position: { x: 0, y: 0 }, config: { match: 'any' } },
        {
          id: 'hook',
          type: 'crm.send_to_webhook',
          typeVersion: 1,
          position: { x: 0, y: 100 },
          config: { url: `http://127.0.0.1:${port}/catch`, contactFields: ['phone', 'first_name'], includeEvent: false },
        },
      ],
      edges: [{ id: 'e', source: 't', sourceOutput: 'next', target: 'hook' }],
      notes: [],
      settings: DEFAULT_FLOW_SETTINGS,
    });
    await s.customer('393330009901', 'Ada').says('hello');
    await h.idle();
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    const secret = outgoingWebhookSecret(s.workspace.id, h.config.SECRETS_KEY);
    const expected = `sha256=${createHmac('sha256', secret)
      .update(`${String(delivery?.headers['x-parley-timestamp'])}.${delivery?.body ?? ''}`)
      .digest('hex')}`;
    expect(delivery?.headers['x-parley-signature']).toBe(expected);
    expect(str(delivery?.headers['idempotency-key'])).toMatch(/hook/);
    expect(obj(JSON.parse(delivery?.body ?? '{}'))['contact']).toEqual({ phone: '+393330009901', first_name: 'Ada' });
  });
});
