const HOUR_MS = 3_600_000;

/**
 * One part of a period's count: the kept hourly counts over whole UTC hours
 * (`hours`), or the executions themselves over a part of an hour (`runs`),
 * added or taken away.
 */
export interface CountTerm {
  source: 'hours' | 'runs';
  sign: 1 | -1;
  from: Date;
  to: Date;
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;

/**
 * How to count the live runs started in [from, to) from the hourly counts,
 * reading as few executions as possible: whole hours come from the counts; a
 * partial hour at either end is counted directly, or as its whole hour less
 * the other part, whichever part holds fewer runs (nothing starts after `now`,
 * so the end of a period that ends now costs nothing to count).
 */
export function countTerms(from: Date, to: Date, now: Date): CountTerm[] {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return [];
  // The span of [x, y) that can hold runs: none start after now.
  const weight = (x: number, y: number) => Math.max(0, Math.min(y, now.getTime()) - x);
  const term = (source: CountTerm['source'], sign: CountTerm['sign'], x: number, y: number): CountTerm => ({
    source,
    sign,
    from: new Date(x),
    to: new Date(y),
  });
  if (floorHour(a) === floorHour(b) && b % HOUR_MS !== 0) return [term('runs', 1, a, b)];
  const terms: CountTerm[] = [];
  const wholeFrom = ceilHour(a);
  const wholeTo = floorHour(b);
  if (wholeFrom < wholeTo) terms.push(term('hours', 1, wholeFrom, wholeTo));
  if (a !== wholeFrom) {
    const hour = floorHour(a);
    if (weight(a, wholeFrom) <= weight(hour, a)) terms.push(term('runs', 1, a, wholeFrom));
    else terms.push(term('hours', 1, hour, wholeFrom), term('runs', -1, hour, a));
  }
  if (b !== wholeTo) {
    const hour = ceilHour(b);
    if (weight(wholeTo, b) <= weight(b, hour)) terms.push(term('runs', 1, wholeTo, b));
    else terms.push(term('hours', 1, wholeTo, hour), term('runs', -1, b, hour));
  }
  return terms;
}
