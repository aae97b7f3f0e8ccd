import { RollingCounter } from '../common/rolling-counter';
import { zohoError } from './zoho-errors';

const DAY_MS = 86_400_000;

/**
 * Zoho's API limits: credits in a rolling 24 hours (one per call here) and a
 * cap on requests processed at once. Both are refused with 429
 * TOO_MANY_REQUESTS. Zoho does not report the credits left in its answers.
 */
export class ZohoLimits {
  readonly credits: RollingCounter;
  private active = 0;

  constructor(
    creditsPer24h: number,
    public concurrency: number,
  ) {
    this.credits = new RollingCounter(DAY_MS, creditsPer24h);
  }

  /** Takes a credit and a concurrency slot; the returned function frees the slot. */
  enter(now: number): () => void {
    if (this.active >= this.concurrency) {
      throw zohoError(429, 'TOO_MANY_REQUESTS', 'You have reached the maximum number of concurrent API requests. Please try again later.', {
        limit: this.concurrency,
      });
    }
    if (!this.credits.tryTake(now)) {
      throw zohoError(429, 'TOO_MANY_REQUESTS', 'API credits for the last 24 hours are used up. Please try again later.', {
        limit: this.credits.max,
        retry_after: Math.max(1, Math.ceil((this.credits.nextReleaseAt(now) - now) / 1000)),
      });
    }
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
    };
  }

  usage(now: number): Record<string, unknown> {
    return {
      credits: { used: this.credits.used(now), max: this.credits.max },
      concurrency: { active: this.active, max: this.concurrency },
    };
  }

  reset(): void {
    this.credits.reset();
  }
}
