import type { MetaError } from './meta-errors';
import { SeededRandom } from './seeded-random';
import type { SentMessage } from './simulator-state';
import type { SimulatedStatus } from './status-payload';

export interface StatusLifecycleOptions {
  /** After the send is accepted (default 100). */
  sentAfterMs?: number;
  /** After `sent` (default 500). */
  deliveredAfterMs?: number;
  /** After `delivered`; null (the default): read only when the phone page opens the chat, or by hand. */
  readAfterMs?: number | null;
  /** After `sent`, for a failure Meta reports asynchronously (default 200). */
  failedAfterMs?: number;
  /** Chance that `delivered` is skipped because the message was read at once (Meta documents this). */
  skipDeliveredProbability?: number;
  /** Chance that a status webhook is posted twice (Meta delivers at least once). */
  duplicateProbability?: number;
  /** Chance that `delivered` (or `read`) is posted before the status it follows (Meta does not keep order). */
  reorderProbability?: number;
  /** Seed of the PRNG behind the probabilities, so a test sees the same run every time (default 1). */
  seed?: number;
}

/** Emits one status webhook for a message; `at` is the time the status happened (the payload timestamp). */
export type EmitStatus = (message: SentMessage, status: SimulatedStatus, at: Date, error: MetaError | null) => void;

interface Step {
  status: SimulatedStatus;
  /** When it happened, relative to acceptance: the payload's timestamp. */
  offsetMs: number;
  /** When it is posted, relative to acceptance (differs when reordered or duplicated). */
  postAfterMs: number;
}

const RANK: Record<SimulatedStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/** Whether `next` moves a message's state forward (a late or duplicated webhook does not move it back). */
export function isForward(current: SimulatedStatus | undefined, next: SimulatedStatus): boolean {
  if (current === 'failed') return false;
  return current === undefined || RANK[next] > RANK[current];
}

/**
 * Plays the life of each accepted message as Meta reports it: `sent`, then
 * `delivered`, then `read` (or `failed` after `sent`), with configurable
 * delays, skipped `delivered`, duplicates and reordering drawn from a seeded
 * PRNG. Without options only asynchronous failures are reported (at once),
 * so a library user who did not ask for statuses gets none.
 */
export class StatusLifecycle {
  private readonly random: SeededRandom;
  private readonly timers = new Map<string, Set<NodeJS.Timeout>>();

  constructor(
    private readonly options: StatusLifecycleOptions | undefined,
    private readonly emit: EmitStatus,
    private readonly now: () => Date,
  ) {
    this.random = new SeededRandom(options?.seed ?? 1);
  }

  get enabled(): boolean {
    return this.options !== undefined;
  }

  /** Starts the statuses of a message Meta accepted; `failure` makes it end in `failed`. */
  accepted(message: SentMessage, failure: MetaError | null): void {
    const options = this.options;
    if (!options) {
      if (failure) this.schedule(message, [{ status: 'failed', offsetMs: 0, postAfterMs: 0 }], failure);
      return;
    }
    const sentAt = options.sentAfterMs ?? 100;
    if (failure) {
      const failedAt = sentAt + (options.failedAfterMs ?? 200);
      this.schedule(
        message,
        this.shuffle([
          { status: 'sent', offsetMs: sentAt, postAfterMs: sentAt },
          { status: 'failed', offsetMs: failedAt, postAfterMs: failedAt },
        ]),
        failure,
      );
      return;
    }
    const deliveredAt = sentAt + (options.deliveredAfterMs ?? 500);
    const readAfter = options.readAfterMs ?? null;
    const steps: Step[] = [{ status: 'sent', offsetMs: sentAt, postAfterMs: sentAt }];
    if (readAfter !== null && this.random.chance(options.skipDeliveredProbability ?? 0)) {
      // Read at once on an open chat: Meta sends no `delivered`.
      steps.push({ status: 'read', offsetMs: deliveredAt, postAfterMs: deliveredAt });
    } else {
      steps.push({ status: 'delivered', offsetMs: deliveredAt, postAfterMs: deliveredAt });
      if (readAfter !== null) steps.push({ status: 'read', offsetMs: deliveredAt + readAfter, postAfterMs: deliveredAt + readAfter });
    }
    this.schedule(message, this.shuffle(steps), null);
  }

  /** Reorders and duplicates posts by chance; the timestamps keep the true order. */
  private shuffle(steps: Step[]): Step[] {
    const options = this.options;
    if (!options) return steps;
    const out = steps.map((s) => ({ ...s }));
    for (let i = 1; i < out.length; i += 1) {
      const earlier = out[i - 1];
      const later = out[i];
      if (earlier && later && this.random.chance(options.reorderProbability ?? 0)) {
        // The later status overtakes the earlier one on the wire.
        const postAt = earlier.postAfterMs;
        earlier.postAfterMs = later.postAfterMs + 1;
        later.postAfterMs = postAt;
      }
    }
    const duplicates = out
      .filter(() => this.random.chance(options.duplicateProbability ?? 0))
      .map((s) => ({ ...s, postAfterMs: s.postAfterMs + 2 }));
    return [...out, ...duplicates];
  }

  private schedule(message: SentMessage, steps: Step[], failure: MetaError | null): void {
    const acceptedAt = this.now().getTime();
    const timers = this.timers.get(message.wamid) ?? new Set();
    this.timers.set(message.wamid, timers);
    for (const step of steps) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        this.emit(message, step.status, new Date(acceptedAt + step.offsetMs), step.status === 'failed' ? failure : null);
      }, step.postAfterMs);
      timers.add(timer);
    }
  }

  /**
   * The customer opened the chat: what is not yet read becomes read now
   * (with its `delivered` first, unless Meta would skip it), and planned
   * statuses of those messages are dropped.
   */
  read(messages: readonly SentMessage[]): void {
    if (!this.options) return;
    for (const message of messages) {
      if (message.status === 'read' || message.status === 'failed' || message.error) continue;
      this.cancel(message.wamid);
      const at = this.now();
      if (message.status === undefined) this.emit(message, 'sent', at, null);
      if (message.status !== 'delivered' && !this.random.chance(this.options.skipDeliveredProbability ?? 0))
        this.emit(message, 'delivered', at, null);
      this.emit(message, 'read', at, null);
    }
  }

  private cancel(wamid: string): void {
    for (const timer of this.timers.get(wamid) ?? []) clearTimeout(timer);
    this.timers.delete(wamid);
  }

  /** Whether any status is still planned. */
  get pending(): boolean {
    for (const timers of this.timers.values()) if (timers.size > 0) return true;
    return false;
  }

  close(): void {
    for (const wamid of [...this.timers.keys()]) this.cancel(wamid);
  }
}
