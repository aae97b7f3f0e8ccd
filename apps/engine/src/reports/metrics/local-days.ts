/**
 * The calendar days (YYYY-MM-DD in `zone`) that [from, to) touches, in
 * order. Stepped hour by hour: a local day is never shorter than 23 hours, so
 * every day is visited, and DST's 23- and 25-hour days count once each.
 */
export function localDays(from: Date, to: Date, zone: string): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const days = new Set<string>();
  for (let t = from.getTime(); t < to.getTime(); t += 3_600_000) days.add(format.format(new Date(t)));
  if (to.getTime() > from.getTime()) days.add(format.format(new Date(to.getTime() - 1)));
  return [...days];
}
