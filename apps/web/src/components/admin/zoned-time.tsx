import { formatUtc, formatZonedTime } from '@/lib/format-zoned-time';

/** A time in the workspace's zone, with UTC on hover. */
export function ZonedTime({ iso, timeZone }: { iso: string; timeZone: string }) {
  return (
    <time dateTime={iso} title={formatUtc(iso)}>
      {formatZonedTime(iso, timeZone)}
    </time>
  );
}
