/** The page subtitle's note on times: "Times in Europe/Rome (hover for UTC)." or "Times in UTC." */
export function describeTimeZone(timeZone: string): string {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'Times in UTC.' : `Times in ${timeZone} (hover for UTC).`;
}
