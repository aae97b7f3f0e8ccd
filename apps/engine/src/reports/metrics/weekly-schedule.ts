import { zonedParts, zonedTimeToInstant } from '@parley/flow-core';

const DAY_MS = 86_400_000;

export interface WeeklySchedule {
  /** 0 = Sunday ... 6 = Saturday: the day the report of the week before is made. */
  day: number;
  /** Hour of that day, in the workspace's time zone. */
  hour: number;
}

export interface ReportWeek {
  /** The Monday the week starts on (local date, YYYY-MM-DD). */
  weekStart: string;
  /** Local Monday 00:00 to the next local Monday 00:00, as instants. */
  from: Date;
  to: Date;
}

function localDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The week (Monday to Monday, in `zone`) whose weekly report is due at
 * `now`: the last complete week, once the scheduled day and hour after it
 * have come (reports on Monday 08:00 cover the week that just ended). Null
 * before that time in the current week. Making it twice is harmless: a week
 * has one snapshot.
 */
export function dueReportWeek(now: Date, zone: string, schedule: WeeklySchedule): ReportWeek | null {
  const local = zonedParts(now.getTime(), zone);
  const today = Date.UTC(local.year, local.month - 1, local.day);
  const monday = today - ((local.weekday + 6) % 7) * DAY_MS;
  const dueDay = new Date(monday + ((schedule.day + 6) % 7) * DAY_MS);
  const due = zonedTimeToInstant(dueDay.getUTCFullYear(), dueDay.getUTCMonth() + 1, dueDay.getUTCDate(), schedule.hour * 60, zone);
  if (now.getTime() < due) return null;
  const start = new Date(monday - 7 * DAY_MS);
  const end = new Date(monday);
  return {
    weekStart: localDate(start.getTime()),
    from: new Date(zonedTimeToInstant(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate(), 0, zone)),
    to: new Date(zonedTimeToInstant(end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate(), 0, zone)),
  };
}
