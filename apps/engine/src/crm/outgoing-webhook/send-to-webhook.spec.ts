import type { StepContext, StepServices } from '@parley/node-sdk';
import { sendToWebhookConfigSchema, type SendToWebhookConfig } from '@parley/nodes';
import { sendToWebhookHandler } from '@parley/nodes/handlers';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedHttpRequest } from '../../http/guarded-http-client';
import { outgoingWebhookSecret, signOutgoingWebhook } from './outgoing-webhook-secret';

const secretsKey = randomBytes(32);
const workspaceId = '0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0001';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/**
 * A receiver written the way a customer would write one from our docs: it
 * checks the signature with the workspace secret, refuses stale timestamps and
 * processes each idempotency key once.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly processed = new Set<string>();
  /** Answers to give, in order; then 200. 'hang' never answers. */
  script: (number | 'hang')[] = [];
  private server: Server | null = null;

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(request.headers['x-parley-timestamp'] ?? '');
        const given = Buffer.from(String(request.headers['x-parley-signature'] ?? ''));
        const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`);
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
        const verified = fresh && given.length === expected.length && timingSafeEqual(given, expected);
        this.deliveries.push({ headers: request.headers, body, verified });
        const next = this.script.shift() ?? 200;
        if (next === 'hang') return;
        if (!verified) {
          response.writeHead(401).end();
          return;
        }
        if (next === 200) this.processed.add(String(request.headers['idempotency-key']));
        response
          .writeHead(next, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: next === 200 ? 'success' : 'error' }));
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address: AddressInfo | string | null = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/hooks/catch/1/abc`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function context(
  config: SendToWebhookConfig,
  options: { allowList?: string[]; attempt?: number; workspace?: string; secrets?: boolean } = {},
): StepContext<SendToWebhookConfig> {
  const workspace = options.workspace ?? workspaceId;
  const unused = async (): Promise<never> => {
    throw new Error('not used by this node');
  };
  const services: StepServices = {
    whatsapp: { send: unused },
    contact: {
      addTags: unused,
      removeTags: unused,
      setField: unused,
      moveToList: unused,
      assign: unused,
      handOver: unused,
      setConsent: unused,
    },
    crm: {
      createOpportunity: unused,
      createTask: unused,
      addNote: unused,
      findContact: unused,
      updateFields: unused,
      lastOrder: unused,
    },
    coupons: { issue: unused },
    automation: { pauseContact: unused },
    notifier: { notify: unused },
    http: { request: (call) => guardedHttpRequest(call, options.allowList ?? ['127.0.0.1']) },
    conditions: { evaluate: unused, compute: unused },
    stores: { nearest: unused },
    webhookSigner:
      options.secrets === false
        ? undefined
        : { sign: async (timestamp, body) => signOutgoingWebhook(workspace, secretsKey, timestamp, body) },
    render: async (template) => template.replace('{{ contact.first_name }}', 'Ada'),
    matchIntent: () => false,
    now: () => new Date(),
    stableRandom: () => 0.5,
  };
  return {
    config,
    nodeId: 'n1',
    flowId: 'flow-1',
    executionId: 'exec-1',
    workspaceId: workspace,
    contact: {
      id: 'contact-1',
      waId: '393331234567',
      phoneE164: '+393331234567',
      displayName: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      timeZone: 'Europe/Rome',
      locale: 'it',
      list: null,
      tags: ['vip'],
      fields: { plan: 'gold' },
      assignedUserId: null,
      marketingConsent: 'opted_in',
      transactionalConsent: 'unknown',
      createdAt: new Date('2026-01-01T00:00:00Z'),
      lastInboundAt: null,
    },
    event: {
      id: '42',
      type: 'message.received',
      occurredAt: new Date('2026-11-22T09:00:00Z'),
      contactId: 'contact-1',
      payload: { text: 'I want the iPhone15 Pro Max' },
    },
    vars: { order_id: 'A-1001', secret_note: 'not for the webhook' },
    idempotencyKey: 'exec-1:n1:0',
    attempt: options.attempt ?? 1,
    testMode: false,
    workspace: { timeZone: 'Europe/Rome' },
    services,
  };
}

describe('Send to webhook (real receiver checking the signature)', () => {
  const receiver = new Receiver(outgoingWebhookSecret(workspaceId, secretsKey));
  let url = '';
  beforeAll(async () => {
    url = await receiver.start();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.deliveries.length = 0;
    receiver.processed.clear();
    receiver.script = [];
  });

  const config = (overrides: Partial<SendToWebhookConfig> = {}) =>
    sendToWebhookConfigSchema.parse({
      url,
      contactFields: ['id', 'phone', 'first_name', 'tags'],
      variables: ['order_id'],
      extra: [{ key: 'greeting', value: 'Hi {{ contact.first_name }}' }],
      ...overrides,
    });

  it('POSTs the chosen fields as JSON, signed with the workspace secret, with the step idempotency key', async () => {
    const result = await sendToWebhookHandler.execute(context(config()));
    expect(result).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { status: 200, idempotencyKey: 'exec-1:n1:0', body: { status: 'success' } },
    });
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery?.verified).toBe(true);
    expect(delivery?.headers['idempotency-key']).toBe('exec-1:n1:0');
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      id: 'exec-1:n1:0',
      flow_id: 'flow-1',
      execution_id: 'exec-1',
      test: false,
      contact: { id: 'contact-1', phone: '+393331234567', first_name: 'Ada', tags: ['vip'] },
      event: {
        id: '42',
        type: 'message.received',
        occurred_at: '2026-11-22T09:00:00.000Z',
        payload: { text: 'I want the iPhone15 Pro Max' },
      },
      vars: { order_id: 'A-1001' },
      data: { greeting: 'Hi Ada' },
    });
  });

  it('is refused by a receiver holding another workspace’s secret', async () => {
    const result = await sendToWebhookHandler.execute(context(config(), { workspace: '0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0002' }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'http_401', retryable: false });
    expect(receiver.deliveries[0]?.verified).toBe(false);
    expect(receiver.processed.size).toBe(0);
  });

  it('asks for a retry on 5xx and 429, keeps the idempotency key, and the receiver processes the change once', async () => {
    receiver.script = [503, 429];
    const first = await sendToWebhookHandler.execute(context(config(), { attempt: 1 }));
    expect(first).toMatchObject({ outcome: 'failed', errorCode: 'http_503', retryable: true });
    const second = await sendToWebhookHandler.execute(context(config(), { attempt: 2 }));
    expect(second).toMatchObject({ outcome: 'failed', errorCode: 'http_429', retryable: true });
    expect(await sendToWebhookHandler.execute(context(config(), { attempt: 3 }))).toMatchObject({ outcome: 'continue' });
    // A duplicate after success (e.g. the answer was lost) is harmless to the receiver.
    await sendToWebhookHandler.execute(context(config(), { attempt: 4 }));
    expect(receiver.deliveries.map((d) => d.headers['idempotency-key'])).toEqual(Array(4).fill('exec-1:n1:0'));
    expect(receiver.deliveries.map((d) => d.headers['x-parley-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    expect([...receiver.processed]).toEqual(['exec-1:n1:0']);
  });

  it('gives up after the timeout with a retryable failure', async () => {
    receiver.script = ['hang'];
    const result = await sendToWebhookHandler.execute(context(config({ timeoutSeconds: 1 })));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'timeout', retryable: true });
  });

  it('refuses a private address unless the workspace allows it (SSRF guard of HTTP steps)', async () => {
    const result = await sendToWebhookHandler.execute(context(config(), { allowList: [] }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'blocked_target', retryable: false });
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('a 4xx refusal is final; without a signing service nothing is sent', async () => {
    receiver.script = [422];
    expect(await sendToWebhookHandler.execute(context(config()))).toMatchObject({ errorCode: 'http_422', retryable: false });
    expect(await sendToWebhookHandler.execute(context(config(), { secrets: false }))).toMatchObject({
      outcome: 'failed',
      errorCode: 'signing_unavailable',
      retryable: false,
    });
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('derives a different secret per workspace and never the raw key', () => {
    const a = outgoingWebhookSecret(workspaceId, secretsKey);
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toEqual(outgoingWebhookSecret('0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0002', secretsKey));
    expect(a).toEqual(outgoingWebhookSecret(workspaceId, secretsKey));
  });
});
