const cache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        timeZone,
        timeZoneName: 'short',
      });
    } catch {
      // A zone this runtime does not know: UTC, labelled as such, rather than a wrong local time.
      formatter = new Intl.DateTimeFormat('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        timeZone: 'UTC',
        timeZoneName: 'short',
      });
    }
    cache.set(timeZone, formatter);
  }
  return formatter;
}

/** To the second in the workspace's time zone, e.g. "6 Dec 2026, 10:03:27 CET". */
export function formatZonedTime(iso: string, timeZone: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : formatterFor(timeZone).format(time);
}

/** The same instant in UTC, for the hover text: "2026-12-06 09:03:27 UTC". */
export function formatUtc(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}
