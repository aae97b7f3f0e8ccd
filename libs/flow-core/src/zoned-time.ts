/**
 * Wall-clock time in a time zone and the UTC instant it names, for the
 * engine (business hours, weekly report schedules) and the web app (explorer
 * filters): "9:00 on 2 March in Europe/Rome" is 08:00 UTC. Intl knows every
 * zone's offsets and their DST changes, so no time-zone library is needed.
 */

/** Wall-clock parts of an instant in a time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** A zone this runtime knows, else UTC (a time in the wrong zone would be worse than one labelled UTC). */
export function knownTimeZone(zone: string): string {
  try {
    formatter(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

/** The wall clock in `zone` at `instant` (ms since the epoch); throws on a zone the runtime does not know. */
export function zonedParts(instant: number, zone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    weekday: WEEKDAYS.indexOf(parts['weekday'] ?? ''),
  };
}

/** How far `zone` is ahead of UTC at `instant`, in ms. */
export function zoneOffset(instant: number, zone: string): number {
  const p = zonedParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time names, given as the ms that wall time would be
 * in UTC. A time skipped by a DST jump moves forward by the jump; a repeated
 * one takes its first occurrence.
 */
export function wallClockToInstant(wallAsUtc: number, zone: string): number {
  // The offsets a day either side are the ones in force before and after any DST change near this time.
  const before = wallAsUtc - zoneOffset(wallAsUtc - DAY_MS, zone);
  const after = wallAsUtc - zoneOffset(wallAsUtc + DAY_MS, zone);
  const names = (instant: number) => instant + zoneOffset(instant, zone) === wallAsUtc;
  if (names(before) && names(after)) return Math.min(before, after);
  if (names(after)) return after;
  // Either `before` names it, or nothing does (a skipped time): the clock before the jump, read past it, is the moment after.
  return before;
}

/** The instant `minuteOfDay` minutes into a day in `zone` names (see `wallClockToInstant`). */
export function zonedTimeToInstant(year: number, month: number, day: number, minuteOfDay: number, zone: string): number {
  return wallClockToInstant(Date.UTC(year, month - 1, day, 0, minuteOfDay), zone);
}

/**
 * The instant (ISO, UTC) of a wall time "2026-03-02T09:00" (seconds optional)
 * in `zone`, an unknown zone read as UTC; null when it is not a wall time.
 */
export function zonedWallTimeToIso(wall: string, zone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(wall);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(asUtc)) return null;
  return new Date(wallClockToInstant(asUtc, knownTimeZone(zone))).toISOString();
}

/** The day ("2026-03-02") it is at `now` in `zone`. */
export function zonedDay(now: Date, zone: string): string {
  const p = zonedParts(now.getTime(), knownTimeZone(zone));
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Midnight starting the current day (or, with `week`, the current week's Monday) in `zone`, as ISO. */
export function zonedStartOf(unit: 'day' | 'week', now: Date, zone: string): string {
  const known = knownTimeZone(zone);
  const p = zonedParts(now.getTime(), known);
  const back = unit === 'week' ? (p.weekday + 6) % 7 : 0;
  return new Date(wallClockToInstant(Date.UTC(p.year, p.month - 1, p.day - back), known)).toISOString();
}
