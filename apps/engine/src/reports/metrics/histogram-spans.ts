const DAY_MS = 86_400_000;

/** Half-open [from, to) instants. */
export type Span = readonly [Date, Date];

/**
 * How a range reads hourly and daily rollups: the whole UTC days inside it
 * from the daily rows, the hours before the first and after the last whole
 * day from the hourly rows. Empty spans are [x, x).
 */
export function histogramSpans(from: Date, to: Date): { days: Span; head: Span; tail: Span } {
  const firstDay = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return { days: [to, to], head: [from, to], tail: [to, to] };
  return { days: [new Date(firstDay), new Date(lastDay)], head: [from, new Date(firstDay)], tail: [new Date(lastDay), to] };
}
