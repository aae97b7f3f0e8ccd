/**
 * Counts events in a rolling window. Short windows (HubSpot's ten seconds) keep
 * every timestamp; long ones (a day) count in buckets of a thousandth of the
 * window so a million calls do not keep a million numbers.
 */
export class RollingCounter {
  private readonly bucketMs: number;
  private readonly buckets = new Map<number, number>();
  private total = 0;

  constructor(
    readonly windowMs: number,
    readonly max: number,
  ) {
    this.bucketMs = Math.max(1, Math.floor(windowMs / 1000));
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / this.bucketMs);
    for (const [bucket, count] of this.buckets) {
      if (bucket <= oldest) {
        this.buckets.delete(bucket);
        this.total -= count;
      }
    }
  }

  used(now: number): number {
    this.prune(now);
    return this.total;
  }

  remaining(now: number): number {
    return Math.max(0, this.max - this.used(now));
  }

  /** Counts one event when there is room; false when the window is full. */
  tryTake(now: number, cost = 1): boolean {
    if (this.used(now) + cost > this.max) return false;
    this.add(now, cost);
    return true;
  }

  /** Counts an event whatever the limit (an answer that is refused still costs, where the CRM says so). */
  add(now: number, cost = 1): void {
    const bucket = Math.floor(now / this.bucketMs);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + cost);
    this.total += cost;
  }

  /** When the oldest counted event leaves the window (now when empty). */
  nextReleaseAt(now: number): number {
    this.prune(now);
    let oldest = Number.POSITIVE_INFINITY;
    for (const bucket of this.buckets.keys()) oldest = Math.min(oldest, bucket);
    return Number.isFinite(oldest) ? (oldest + 1) * this.bucketMs + this.windowMs : now;
  }

  reset(): void {
    this.buckets.clear();
    this.total = 0;
  }
}
