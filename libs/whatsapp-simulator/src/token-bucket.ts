/**
 * A token bucket on the simulator's clock: `capacity` tokens, refilled at
 * `refillPerMs`. A burst up to the capacity passes at once; after that, sends
 * pass at the refill rate (Meta's "borrowing from future quota").
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = nowMs;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
    this.updatedAt = Math.max(this.updatedAt, nowMs);
  }

  /** Whether one token is there now, without taking it. */
  has(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= 1;
  }

  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Uses a token if one is there (inbound traffic counts against the number but is never refused). */
  consume(nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.max(0, this.tokens - 1);
  }
}
