import {
  durationBucket,
  HISTOGRAM_RELATIVE_ERROR,
  type HistogramBucket,
  histogramCount,
  histogramPercentile,
  mergeBuckets,
} from './duration-histogram';
import { percentile } from './percentile';

function histogramOf(values: readonly number[]): HistogramBucket[] {
  return mergeBuckets(values.map((v) => ({ bucket: durationBucket(v), count: 1, total: v })));
}

/** A deterministic spread of durations from under a second to days, like reply and resolution times. */
function knownSet(n: number, seed: number): number[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: n }, () => Math.round(Math.exp(next() * 13) * 10) / 10);
}

describe('duration histograms', () => {
  it('buckets are 1/16 of an octave; under a second is bucket 0', () => {
    expect(durationBucket(0)).toBe(0);
    expect(durationBucket(0.99)).toBe(0);
    expect(durationBucket(1)).toBe(1);
    expect(durationBucket(1.04)).toBe(1);
    expect(durationBucket(2.01)).toBe(17);
    expect(durationBucket(360)).toBe(Math.floor(16 * Math.log2(360)) + 1);
    expect(HISTOGRAM_RELATIVE_ERROR).toBeCloseTo(0.0443, 4);
  });

  it.each([1, 2, 3, 4, 5])('median and p90 fall in the exact value’s bucket, within the stated error (seed %i)', (seed) => {
    for (const n of [1, 2, 7, 100, 5001]) {
      const values = knownSet(n, seed);
      const histogram = histogramOf(values);
      expect(histogramCount(histogram)).toBe(n);
      for (const p of [0.5, 0.9]) {
        const exact = percentile(values, p) ?? Number.NaN;
        const approx = histogramPercentile(histogram, p) ?? Number.NaN;
        expect(durationBucket(approx)).toBe(durationBucket(exact));
        if (exact >= 1) expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
        else expect(approx).toBeLessThan(1);
      }
    }
  });

  it('is exact when the bucket’s values are equal, and adds up buckets of several hours', () => {
    const hours = [histogramOf([360, 360, 900]), histogramOf([360, 229500]), histogramOf([2400])];
    const merged = hours.flat();
    expect(histogramPercentile(merged, 0.5)).toBe(360);
    expect(histogramPercentile(merged, 0.9)).toBe(229500);
    expect(histogramPercentile([], 0.5)).toBeNull();
    expect(histogramPercentile([{ bucket: 3, count: 0, total: 0 }], 0.5)).toBeNull();
  });
});
