import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A local HTTP server standing in for Parley's webhook endpoint in the simulators' own tests. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Statuses to answer to the next deliveries (200 afterwards). */
  failNext: number[] = [];
  private server: Server | null = null;
  url = '';
  private waiters: (() => void)[] = [];

  async start(path = '/hooks/crm'): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.failNext.shift() ?? 200;
        this.received.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(status).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    this.url = `http://127.0.0.1:${(address satisfies AddressInfo).port}${path}`;
    return this;
  }

  /** Waits until at least `count` deliveries arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedCallback[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} callbacks, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
