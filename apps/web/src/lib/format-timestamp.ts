const timestamp = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** An exact, unambiguous time for tooltips and details, e.g. "21 Nov 2025, 14:03 UTC". */
export function formatTimestamp(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${timestamp.format(time)} UTC`;
}

const timestampWithSeconds = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
});

/** To the second, for runs that start moments apart, e.g. "21 Nov 2025, 14:03:27 UTC". */
export function formatTimestampSeconds(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${timestampWithSeconds.format(time)} UTC`;
}
