import { META_ERRORS, type MetaError } from './meta-errors';
import { TokenBucket } from './token-bucket';

export interface ThroughputLimit {
  /** Messages per second of one business number, inbound and outbound together (Meta's default: 80). */
  messagesPerSecond: number;
}

export interface PairRateLimit {
  /** Messages to one user that may go at once (Meta: up to 45 in a burst). */
  burst: number;
  /** One more message per this many ms afterwards (Meta: about one per 6 s). */
  intervalMs: number;
}

/** Meta's per-number throughput (130429) and per-(number, user) pair rate (131056), both opt-in. */
export class RateLimiter {
  private readonly numbers = new Map<string, TokenBucket>();
  private readonly pairs = new Map<string, TokenBucket>();

  constructor(
    private readonly throughput: ThroughputLimit | undefined,
    private readonly pairRate: PairRateLimit | undefined,
  ) {}

  private numberBucket(phoneNumberId: string, nowMs: number): TokenBucket | null {
    if (!this.throughput) return null;
    let bucket = this.numbers.get(phoneNumberId);
    if (!bucket) {
      bucket = new TokenBucket(this.throughput.messagesPerSecond, this.throughput.messagesPerSecond / 1000, nowMs);
      this.numbers.set(phoneNumberId, bucket);
    }
    return bucket;
  }

  private pairBucket(phoneNumberId: string, user: string, nowMs: number): TokenBucket | null {
    if (!this.pairRate) return null;
    const key = `${phoneNumberId}:${user}`;
    let bucket = this.pairs.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.pairRate.burst, 1 / this.pairRate.intervalMs, nowMs);
      this.pairs.set(key, bucket);
    }
    return bucket;
  }

  /** Admits one business message or names the limit it breaks; a refused send uses no quota. */
  admitOutbound(phoneNumberId: string, user: string, nowMs: number): MetaError | null {
    const number = this.numberBucket(phoneNumberId, nowMs);
    const pair = this.pairBucket(phoneNumberId, user, nowMs);
    if (number && !number.has(nowMs)) return META_ERRORS.throughput;
    if (pair && !pair.has(nowMs)) return META_ERRORS.pairRate;
    number?.take(nowMs);
    pair?.take(nowMs);
    return null;
  }

  /** A customer's message uses the number's throughput too (Meta counts inbound and outbound together). */
  countInbound(phoneNumberId: string, nowMs: number): void {
    this.numberBucket(phoneNumberId, nowMs)?.consume(nowMs);
  }
}
