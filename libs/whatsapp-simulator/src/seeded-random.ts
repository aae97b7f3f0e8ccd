/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence, so a
 * test that asks for duplicated or reordered statuses sees the same ones on
 * every run.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p`; never consumes a draw when p is 0, so turning a feature off does not shift the others. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.next() < p;
  }
}
