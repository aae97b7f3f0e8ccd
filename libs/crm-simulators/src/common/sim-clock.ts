/**
 * The simulators' sense of time: the real clock plus an offset the control API
 * can advance, so a test or a demo can jump past a token's expiry, a daily
 * limit or the search index lag without waiting.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
