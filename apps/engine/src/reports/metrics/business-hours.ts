import { zonedParts, zonedTimeToInstant } from '@parley/flow-core';

/** The hours people work, in the workspace's time zone. */
export interface BusinessHours {
  /** Days open: 0 = Sunday ... 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing as minutes after local midnight (closing after opening). */
  openMinute: number;
  closeMinute: number;
  /** A weekday's own hours (0 = Sunday), instead of openMinute/closeMinute. */
  perDay?: Readonly<Record<number, { openMinute: number; closeMinute: number }>>;
}

const DAY_MS = 86_400_000;

/**
 * The seconds of [start, end) that fall inside business hours in `zone`. Each
 * local day's open span is placed on the real clock of that day, so a DST
 * change shortens or lengthens only the day it happens on.
 */
export function businessSeconds(start: Date, end: Date, hours: BusinessHours, zone: string): number {
  const from = start.getTime();
  const to = end.getTime();
  if (!(to > from) || hours.days.length === 0) return 0;
  const first = zonedParts(from, zone);
  const last = zonedParts(to, zone);
  let total = 0;
  // Walk local calendar dates (UTC arithmetic on the date alone, never on instants).
  for (let date = Date.UTC(first.year, first.month - 1, first.day); date <= Date.UTC(last.year, last.month - 1, last.day); date += DAY_MS) {
    const d = new Date(date);
    if (!hours.days.includes(d.getUTCDay())) continue;
    const span = hours.perDay?.[d.getUTCDay()] ?? hours;
    if (span.closeMinute <= span.openMinute) continue;
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const open = zonedTimeToInstant(y, m, day, span.openMinute, zone);
    const close = zonedTimeToInstant(y, m, day, span.closeMinute, zone);
    const overlap = Math.min(close, to) - Math.max(open, from);
    if (overlap > 0) total += overlap;
  }
  return total / 1000;
}
