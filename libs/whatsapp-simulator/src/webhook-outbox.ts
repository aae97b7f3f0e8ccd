import { webhookEnvelope, type WebhookChange } from './webhook-change';
import { deliverWebhook, type DeliveryOutcome, type WebhookTarget } from './webhook-emitter';

export interface WebhookRetry {
  maxAttempts: number;
  firstDelayMs: number;
}

export interface WebhookBatching {
  /** At most this many changes in one POST. */
  maxChanges: number;
  /** How long a change may wait for others before its POST goes. */
  windowMs: number;
}

interface Pending {
  change: WebhookChange;
  resolve: (outcome: DeliveryOutcome | null) => void;
}

/**
 * Every webhook the simulator emits goes through here: straight out one POST
 * each, or, with batching, gathered for `windowMs` (or until `maxChanges`)
 * and posted together. Tracks what is in flight so tests can wait for quiet.
 */
export class WebhookOutbox {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly target: () => WebhookTarget | undefined,
    private readonly retry: WebhookRetry,
    private readonly batching: WebhookBatching | undefined,
    private readonly now: () => Date,
  ) {}

  /** Posts one change; resolves with the delivery of the POST that carried it (null without a webhook target). */
  post(change: WebhookChange): Promise<DeliveryOutcome | null> {
    if (!this.batching || this.batching.maxChanges <= 1) return this.deliver([change]);
    return new Promise((resolve) => {
      this.queue.push({ change, resolve });
      if (this.batching && this.queue.length >= this.batching.maxChanges) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.batching?.windowMs ?? 0);
    });
  }

  /** Posts a whole envelope as it is (a redelivery of an earlier webhook). */
  postEnvelope(payload: Record<string, unknown>): Promise<DeliveryOutcome | null> {
    const target = this.target();
    if (!target) return Promise.resolve(null);
    return this.track(deliverWebhook(target, payload, this.retry));
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    void this.deliver(batch.map((p) => p.change)).then((outcome) => {
      for (const pending of batch) pending.resolve(outcome);
    });
  }

  private deliver(changes: WebhookChange[]): Promise<DeliveryOutcome | null> {
    const target = this.target();
    if (!target) return Promise.resolve(null);
    return this.track(deliverWebhook(target, webhookEnvelope(changes, this.now()), this.retry));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  /** Resolves once nothing is queued or being posted. */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0) this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const pending of this.queue) pending.resolve(null);
    this.queue = [];
  }
}
