/**
 * The nearest-rank percentile: the smallest value with at least `p` of the
 * values at or below it. It is always one of the values (never interpolated),
 * and equals PostgreSQL's `percentile_disc(p)`, which the reports use so the
 * API and this definition give the same number. Null when there are none.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 1)) throw new RangeError('p must be in (0, 1]');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** The median as the reports define it: the nearest-rank 50th percentile (the lower middle of an even count). */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}
