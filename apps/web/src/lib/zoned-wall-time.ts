/**
 * Wall-clock times in a time zone, turned into instants: "9:00 on 2 March in
 * Europe/Rome" is 08:00 UTC. Intl knows every zone's offsets (and their DST
 * changes), so no time-zone library is needed for this.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

function wallParts(instant: number, timeZone: string): WallParts {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const value = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    year: Number(value('year')),
    month: Number(value('month')),
    day: Number(value('day')),
    hour: Number(value('hour')),
    minute: Number(value('minute')),
    second: Number(value('second')),
    weekday: value('weekday'),
  };
}

/** A zone this runtime knows, else UTC (a time in the wrong zone would be worse than one labelled UTC). */
export function knownTimeZone(timeZone: string): string {
  try {
    formatterFor(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant (ISO, UTC) of a wall time "2026-03-02T09:00" (seconds optional)
 * in `timeZone`; null when it is not one. A time skipped by a DST change
 * reads as the moment after the jump.
 */
export function zonedWallTimeToIso(wall: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(wall);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(asUtc)) return null;
  const zone = knownTimeZone(timeZone);
  // The offset at the guess can differ from the offset at the answer across a DST change: one more step settles it.
  const guess = asUtc - offsetAt(asUtc, zone);
  const instant = asUtc - offsetAt(guess, zone);
  return new Date(instant).toISOString();
}

/** The day ("2026-03-02") it is at `now` in `timeZone`. */
export function zonedDay(now: Date, timeZone: string): string {
  const p = wallParts(now.getTime(), knownTimeZone(timeZone));
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Midnight starting the current day (or, with `week`, the current week's Monday) in `timeZone`, as ISO. */
export function zonedStartOf(unit: 'day' | 'week', now: Date, timeZone: string): string {
  const zone = knownTimeZone(timeZone);
  const p = wallParts(now.getTime(), zone);
  const back = unit === 'week' ? Math.max(0, WEEKDAYS.indexOf(p.weekday)) : 0;
  const day = new Date(Date.UTC(p.year, p.month - 1, p.day - back));
  return zonedWallTimeToIso(day.toISOString().slice(0, 10), zone) ?? now.toISOString();
}
