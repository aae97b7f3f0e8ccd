import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphError, type GraphErrorBody } from './graph-error';
import { type CustomerMessage, inboundPayload } from './inbound-payload';
import { interactiveSchema, MEDIA_TYPES, mediaSchema, sendRequestSchema, templateSchema, textSchema } from './send-request';
import { SimulatorState, type SimulatedNumber, takeFault } from './simulator-state';
import { type SimulatedStatus, statusPayload } from './status-payload';
import { deliverWebhook, type DeliveryOutcome, type WebhookTarget } from './webhook-emitter';
import { newWamid } from './wire-ids';
import { z } from 'zod';

export interface SimulatorOptions {
  numbers: SimulatedNumber[];
  /** Where webhooks go; without it inbound messages are only recorded. */
  webhook?: WebhookTarget;
  now?: () => Date;
  webhookRetry?: { maxAttempts: number; firstDelayMs: number };
}

export interface RunningSimulator {
  url: string;
  state: SimulatorState;
  /** A simulated customer writes to the business; resolves when the webhook was delivered (or gave up). */
  customerSends(input: { phoneNumberId: string; from: string; name?: string; text?: string; message?: CustomerMessage }): Promise<{
    wamid: string;
    delivery: DeliveryOutcome | null;
  }>;
  /** Delivers the webhook of an earlier inbound message again, as Meta does when it retries. */
  redeliver(wamid: string): Promise<DeliveryOutcome>;
  /**
   * Reports a status of a message the business sent (sent, delivered, read,
   * failed), with the send's biz_opaque_callback_data, as Meta's status webhook.
   */
  sendStatus(wamid: string, status: SimulatedStatus, error?: { code: number; title: string }): Promise<DeliveryOutcome | null>;
  /** Points webhooks somewhere else (e.g. once the receiving server knows its port). */
  setWebhook(target: WebhookTarget | undefined): void;
  close(): Promise<void>;
}

const WINDOW_MS = 24 * 60 * 60 * 1000;

const faultSchema = z.object({
  to: z.string().regex(/^\d{6,15}$/).optional(),
  kind: z.enum(['graph_error', 'server_error', 'timeout']),
  code: z.number().int().positive().optional(),
  times: z.number().int().min(1).max(1000).default(1),
});

const statusRequestSchema = z.object({
  wamid: z.string().min(1).max(200),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.object({ code: z.number().int().positive(), title: z.string().min(1).max(200) }).optional(),
});

const customerMessageSchema = z.object({
  phoneNumberId: z.string().regex(/^\d+$/).optional(),
  from: z.string().regex(/^\d{6,15}$/, 'must be the customer number in international form, digits only'),
  name: z.string().trim().min(1).max(100).optional(),
  text: z.string().min(1).max(4096).optional(),
  message: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text'), text: z.string().min(1).max(4096) }),
      z.object({ type: z.literal('button_reply'), id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
      z.object({ type: z.literal('list_reply'), id: z.string().min(1).max(200), title: z.string().min(1).max(24), description: z.string().max(72).optional() }),
      z.object({ type: z.literal('quick_reply'), payload: z.string().min(1).max(256), text: z.string().min(1).max(256) }),
      z.object({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(200).optional(), address: z.string().max(500).optional() }),
    ])
    .optional(),
}).refine((m) => m.text !== undefined || m.message !== undefined, 'give text or message');
const MAX_BODY_BYTES = 1024 * 1024;

/** The request is accepted by Meta (we record it) but the answer never comes back. */
class StallError extends Error {}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: GraphErrorBody | Record<string, unknown>,
  ) {
    super(`HTTP ${status}`);
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, graphError(100, 'Request too large', 'The request body is too large.'));
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, graphError(100, 'Invalid parameter', 'The request body is not valid JSON.'));
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Starts a local Graph API stand-in on `port` (0 = any free port). */
export async function startSimulator(options: SimulatorOptions, port = 0, host = '127.0.0.1'): Promise<RunningSimulator> {
  const state = new SimulatorState();
  for (const number of options.numbers) state.addNumber(number);
  const now = options.now ?? (() => new Date());
  const retry = options.webhookRetry ?? { maxAttempts: 6, firstDelayMs: 1000 };
  let webhook = options.webhook;
  const payloads = new Map<string, Record<string, unknown>>();

  function handleSend(phoneNumberId: string, request: IncomingMessage, raw: Buffer): Record<string, unknown> {
    const number = state.numbers.get(phoneNumberId);
    if (!number) {
      throw new HttpError(
        400,
        graphError(100, 'Invalid parameter', `Unsupported post request. Object with ID '${phoneNumberId}' does not exist.`, 'GraphMethodException'),
      );
    }
    const auth = request.headers.authorization ?? '';
    if (auth !== `Bearer ${number.accessToken}`) {
      throw new HttpError(401, graphError(190, 'Invalid OAuth access token', 'The access token could not be decrypted or is invalid.'));
    }
    const parsed = sendRequestSchema.safeParse(parseJson(raw));
    if (!parsed.success) {
      throw new HttpError(400, graphError(100, 'Invalid parameter', parsed.error.issues[0]?.message ?? 'Invalid parameter'));
    }
    const message = parsed.data;
    const part = message[message.type];
    const check =
      message.type === 'text'
        ? textSchema.safeParse(part)
        : message.type === 'template'
          ? templateSchema.safeParse(part)
          : message.type === 'interactive'
            ? interactiveSchema.safeParse(part)
            : MEDIA_TYPES.some((t) => t === message.type)
              ? mediaSchema.safeParse(part)
              : null;
    if (check === null) {
      throw new HttpError(400, graphError(131051, 'Unsupported message type', `Message type ${message.type} is not supported.`));
    }
    if (!check.success) {
      throw new HttpError(400, graphError(100, 'Invalid parameter', check.error.issues[0]?.message ?? 'Invalid parameter'));
    }
    const to = message.to.replace(/^\+/, '');
    const fault = takeFault(state, to);
    if (fault?.kind === 'graph_error') {
      const code = fault.code ?? 131000;
      throw new HttpError(code === 130429 || code === 131056 ? 400 : 500, graphError(code, 'Injected fault', `The simulator was asked to fail this send with ${code}.`));
    }
    if (fault?.kind === 'server_error') throw new HttpError(502, { message: 'Bad gateway (injected)' });
    const user = state.users.get(to);
    const lastInbound = user?.lastInboundAt.get(phoneNumberId);
    // Templates may start a conversation; anything else needs the customer's message in the last 24 hours.
    if (message.type !== 'template' && (!lastInbound || now().getTime() - lastInbound.getTime() > WINDOW_MS)) {
      throw new HttpError(
        400,
        graphError(131047, 'Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'),
      );
    }
    const wamid = newWamid();
    state.sent.push({ wamid, phoneNumberId, to, type: message.type, body: message, receivedAt: now() });
    // The nastiest failure: Meta took the message, but the answer is lost on the way back.
    if (fault?.kind === 'timeout') throw new StallError();
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: message.to, wa_id: to }],
      messages: [{ id: wamid, message_status: 'accepted' }],
    };
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const sendMatch = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
    if (request.method === 'POST' && sendMatch?.[2]) {
      const raw = await readBody(request);
      send(response, 200, handleSend(decodeURIComponent(sendMatch[2]), request, raw));
      return;
    }
    if (request.method === 'POST' && url.pathname === '/sim/customer-messages') {
      const parsed = customerMessageSchema.safeParse(parseJson(await readBody(request)));
      if (!parsed.success) {
        throw new HttpError(400, { error: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), code: 400 } });
      }
      const phoneNumberId = parsed.data.phoneNumberId ?? state.numbers.keys().next().value;
      if (!phoneNumberId || !state.numbers.has(phoneNumberId)) {
        throw new HttpError(400, { error: { message: 'Unknown business phone number id', code: 400 } });
      }
      const result = await simulator.customerSends({ ...parsed.data, phoneNumberId });
      send(response, 200, { wamid: result.wamid, delivered: result.delivery?.delivered ?? false });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/sim/faults') {
      const parsed = faultSchema.safeParse(parseJson(await readBody(request)));
      if (!parsed.success) throw new HttpError(400, { error: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), code: 400 } });
      state.faults.push({ ...parsed.data, remaining: parsed.data.times });
      send(response, 201, { queued: state.faults.filter((f) => f.remaining > 0).length });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/sim/statuses') {
      const parsed = statusRequestSchema.safeParse(parseJson(await readBody(request)));
      if (!parsed.success) throw new HttpError(400, { error: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), code: 400 } });
      if (!state.sent.some((m) => m.wamid === parsed.data.wamid)) throw new HttpError(404, { error: { message: `No sent message ${parsed.data.wamid}`, code: 404 } });
      const delivery = await simulator.sendStatus(parsed.data.wamid, parsed.data.status, parsed.data.error);
      send(response, 200, { delivered: delivery?.delivered ?? false });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/sim/messages') {
      const to = url.searchParams.get('to');
      send(response, 200, { data: state.sent.filter((m) => to === null || m.to === to) });
      return;
    }
    throw new HttpError(404, { error: { message: 'Unknown path', code: 404 } });
  }

  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof StallError) {
        // Never answer: the caller's timeout decides. Closed when the server closes.
        return;
      }
      if (error instanceof HttpError) {
        send(response, error.status, error.body);
      } else {
        send(response, 500, graphError(1, 'An unknown error occurred', String(error)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : port;

  const simulator: RunningSimulator = {
    url: `http://${host}:${boundPort}`,
    state,
    async customerSends(input) {
      const number = state.numbers.get(input.phoneNumberId);
      if (!number) throw new Error(`Unknown simulated number ${input.phoneNumberId}`);
      const user = state.user(input.from, input.name);
      const sentAt = now();
      user.lastInboundAt.set(number.phoneNumberId, sentAt);
      const wamid = newWamid();
      const message: CustomerMessage = input.message ?? { type: 'text', text: input.text ?? '' };
      const text = message.type === 'text' ? message.text : message.type === 'location' ? `[location ${message.latitude},${message.longitude}]` : message.type === 'quick_reply' ? message.text : message.title;
      const record = { wamid, phoneNumberId: number.phoneNumberId, from: user.waId, text, sentAt, delivered: false };
      state.inbound.push(record);
      const payload = inboundPayload({ number, from: user.waId, name: user.name, wamid, message, sentAt });
      payloads.set(wamid, payload);
      if (!webhook) return { wamid, delivery: null };
      const delivery = await deliverWebhook(webhook, payload, retry);
      record.delivered = delivery.delivered;
      return { wamid, delivery };
    },
    async redeliver(wamid) {
      const payload = payloads.get(wamid);
      if (!payload) throw new Error(`No inbound message ${wamid} to redeliver`);
      if (!webhook) throw new Error('No webhook target configured');
      return deliverWebhook(webhook, payload, retry);
    },
    async sendStatus(wamid, status, error) {
      const sent = state.sent.find((m) => m.wamid === wamid);
      if (!sent) throw new Error(`No sent message ${wamid}`);
      const number = state.numbers.get(sent.phoneNumberId);
      if (!number) throw new Error(`Unknown simulated number ${sent.phoneNumberId}`);
      const callback = sent.body['biz_opaque_callback_data'];
      const payload = statusPayload({
        number,
        wamid,
        recipient: sent.to,
        status,
        at: now(),
        callbackData: typeof callback === 'string' ? callback : null,
        error: status === 'failed' ? (error ?? { code: 131026, title: 'Message undeliverable' }) : null,
      });
      return webhook ? deliverWebhook(webhook, payload, retry) : null;
    },
    setWebhook(target) {
      webhook = target;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return simulator;
}
