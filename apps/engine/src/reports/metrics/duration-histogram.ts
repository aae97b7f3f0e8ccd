/**
 * Service durations are kept as histograms (report_service_hist): a bucket is
 * 1/16 of an octave wide and holds its values' count and sum. The report's
 * median or p90 is the mean of the bucket the nearest-rank value falls in, so
 * it lies in the same bucket as the exact value: off by less than a bucket's
 * width, 2^(1/16) − 1 ≈ 4.4% of it, and exact when that bucket's values are
 * equal. Durations under 1 s share bucket 0.
 */
export const BUCKETS_PER_OCTAVE = 16;

/** The largest relative error of a histogram percentile (the UI and docs/REPORTS.md state it). */
export const HISTOGRAM_RELATIVE_ERROR = 2 ** (1 / BUCKETS_PER_OCTAVE) - 1;

/** The bucket of a duration in seconds: as the SQL function report_duration_bucket computes it. */
export function durationBucket(seconds: number): number {
  return seconds < 1 ? 0 : Math.floor((BUCKETS_PER_OCTAVE * Math.log(seconds)) / Math.log(2)) + 1;
}

export interface HistogramBucket {
  bucket: number;
  count: number;
  /** The sum of the bucket's durations. */
  total: number;
}

/** Adds up buckets of several hours or days (the same bucket may come more than once). */
export function mergeBuckets(rows: readonly HistogramBucket[]): HistogramBucket[] {
  const merged = new Map<number, HistogramBucket>();
  for (const row of rows) {
    const seen = merged.get(row.bucket);
    merged.set(row.bucket, seen ? { bucket: row.bucket, count: seen.count + row.count, total: seen.total + row.total } : { ...row });
  }
  return [...merged.values()].filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
}

/** How many durations the histogram holds. */
export function histogramCount(rows: readonly HistogramBucket[]): number {
  return rows.reduce((sum, row) => sum + row.count, 0);
}

/**
 * The nearest-rank percentile (see percentile.ts) read from a histogram: the
 * mean of the bucket holding the value of that rank, to the millisecond. Null
 * when empty.
 */
export function histogramPercentile(rows: readonly HistogramBucket[], p: number): number | null {
  if (!(p > 0 && p <= 1)) throw new RangeError('p must be in (0, 1]');
  const buckets = mergeBuckets(rows);
  const n = histogramCount(buckets);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const b of buckets) {
    seen += b.count;
    if (seen >= rank) return Math.round((b.total / b.count) * 1000) / 1000;
  }
  return null;
}
