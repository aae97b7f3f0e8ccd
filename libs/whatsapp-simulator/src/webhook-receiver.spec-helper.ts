import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@parley/whatsapp';
import { z } from 'zod';

export interface ReceivedWebhook {
  raw: Buffer;
  signatureValid: boolean;
  body: z.infer<typeof envelopeSchema>;
}

const envelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })),
    }),
  ),
});

const statusItem = z.looseObject({ id: z.string(), status: z.string(), timestamp: z.string() });
export type StatusItem = z.infer<typeof statusItem>;

/**
 * A fake webhook receiver on a local port: keeps every delivery with its
 * signature checked by the engine's own verifier, and can answer non-2xx to
 * exercise retries.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Answers this status to the next deliveries (then 200). */
  failNext: number[] = [];
  private server: Server | null = null;
  url = '';

  constructor(readonly appSecret: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const status = this.failNext.shift() ?? 200;
        if (status === 200) {
          this.received.push({
            raw,
            signatureValid: verifyWebhookSignature(raw, request.headers['x-hub-signature-256'], [this.appSecret]),
            body: envelopeSchema.parse(JSON.parse(raw.toString('utf8'))),
          });
        }
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    this.url = `http://127.0.0.1:${(address satisfies AddressInfo).port}/webhook`;
    return this;
  }

  target(): { url: string; appSecret: string } {
    return { url: this.url, appSecret: this.appSecret };
  }

  /** Every change of every delivery, in arrival order. */
  changes(field?: string): { wabaId: string; field: string; value: Record<string, unknown> }[] {
    return this.received
      .flatMap((r) => r.body.entry.flatMap((e) => e.changes.map((c) => ({ wabaId: e.id, ...c }))))
      .filter((c) => field === undefined || c.field === field);
  }

  /** Every status item, in arrival order. */
  statuses(wamid?: string): StatusItem[] {
    return this.changes('messages')
      .flatMap((c) => z.array(statusItem).optional().parse(c.value['statuses']) ?? [])
      .filter((s) => wamid === undefined || s.id === wamid);
  }

  /** Every inbound message item, in arrival order. */
  messages(): Record<string, unknown>[] {
    return this.changes('messages').flatMap((c) => z.array(z.record(z.string(), z.unknown())).optional().parse(c.value['messages']) ?? []);
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting for a webhook');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  clear(): void {
    this.received.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
