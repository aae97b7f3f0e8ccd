import { DateTime } from 'luxon';
import { WEEKDAYS } from './wait-until.definition';

/**
 * The first moment after `now` that is `time` (HH:MM) in `zone`, on one of
 * `weekdays` (any day when empty). Luxon applies the zone's rules, so a time
 * that does not exist on a DST change day moves forward instead of vanishing.
 */
export function nextLocalTime(now: Date, time: string, weekdays: readonly (typeof WEEKDAYS)[number][], zone: string): Date {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const start = DateTime.fromJSDate(now, { zone });
  for (let offset = 0; offset <= 7; offset += 1) {
    const day = start.plus({ days: offset });
    const candidate = day.set({ hour, minute, second: 0, millisecond: 0 });
    const weekday = WEEKDAYS[candidate.weekday - 1];
    if (candidate.toMillis() > now.getTime() && (weekdays.length === 0 || (weekday !== undefined && weekdays.includes(weekday)))) {
      return candidate.toJSDate();
    }
  }
  throw new Error(`no ${time} on ${weekdays.join(', ')} within a week`);
}
