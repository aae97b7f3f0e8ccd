import { sleep } from './http-kit';

/** How a simulated CRM retries a callback the receiver did not accept. */
export interface CallbackRetry {
  attempts: number;
  firstDelayMs: number;
}

/** One attempt to deliver a callback, as the control API shows it. */
export interface CallbackAttempt {
  id: number;
  url: string;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  delivered: boolean;
  headers: Record<string, string>;
  body: string;
}

export interface PreparedCallback {
  url: string;
  /** Built per attempt: HubSpot puts the attempt number in the body and signs each attempt afresh. */
  build(attempt: number): { body: string; headers: Record<string, string> };
}

const MAX_ATTEMPTS_KEPT = 5_000;

/**
 * Posts callbacks (HubSpot webhooks, Zoho notifications) and retries the ones
 * that fail with a connection error, a timeout, a 5xx or a 429, with
 * exponential backoff. Everything it tried is kept for the control API.
 */
export class WebhookDispatcher {
  readonly attempts: CallbackAttempt[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private closed = false;

  constructor(
    public retry: CallbackRetry,
    private readonly timeoutMs = 10_000,
  ) {}

  dispatch(callback: PreparedCallback): Promise<boolean> {
    let delivered = false;
    const run = (async () => {
      this.seq += 1;
      const id = this.seq;
      for (let attempt = 0; attempt < this.retry.attempts && !this.closed; attempt += 1) {
        if (attempt > 0) await sleep(this.retry.firstDelayMs * 2 ** (attempt - 1));
        if (this.closed) return;
        const { body, headers } = callback.build(attempt);
        const record: CallbackAttempt = {
          id,
          url: callback.url,
          attempt,
          at: new Date().toISOString(),
          status: null,
          error: null,
          delivered: false,
          headers,
          body,
        };
        let retryable = true;
        try {
          const response = await fetch(callback.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
            signal: AbortSignal.timeout(this.timeoutMs),
          });
          await response.arrayBuffer();
          record.status = response.status;
          record.delivered = response.ok;
          retryable = response.status >= 500 || response.status === 429;
        } catch (error) {
          record.error = error instanceof Error ? error.message : String(error);
        }
        this.keep(record);
        if (record.delivered) {
          delivered = true;
          return;
        }
        if (!retryable) return;
      }
    })();
    const tracked = run.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked.then(() => delivered);
  }

  private keep(record: CallbackAttempt): void {
    this.attempts.push(record);
    if (this.attempts.length > MAX_ATTEMPTS_KEPT) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPTS_KEPT);
  }

  /** Resolves when nothing is being delivered or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
  }
}
