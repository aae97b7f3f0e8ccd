import { DateTime } from 'luxon';

/** "HH:MM", 24-hour wall-clock time. */
export const BATCH_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The first instant after `after` (epoch ms) when the wall clock in `zone`
 * reads `at` ("02:00"). On a day where that time does not exist (the clock
 * jumps over it) it is the first instant after the jump; where it happens
 * twice, the first of the two.
 */
export function nextBatchAt(after: number, zone: string, at: string): Date {
  const match = BATCH_TIME_PATTERN.exec(at);
  const hour = Number(match?.[1] ?? 2);
  const minute = Number(match?.[2] ?? 0);
  const local = DateTime.fromMillis(after, { zone });
  const base = local.isValid ? local : DateTime.fromMillis(after, { zone: 'UTC' });
  for (let days = 0; days < 3; days++) {
    const candidate = base.startOf('day').plus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
    if (candidate.toMillis() > after) return candidate.toJSDate();
  }
  return base.plus({ days: 1 }).toJSDate();
}
