const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

/** "15:40" in the reader's time zone. */
export function clockTime(iso: string): string {
  return time.format(new Date(iso));
}

/** The day separator of a conversation: "Today", "Yesterday" or "Monday 2 March". */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((start(now) - start(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return day.format(date);
}

/** How long someone has waited: "4 min", "2 h", "3 d". */
export function waitingFor(iso: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** "until 15:40" today, or with the day when later. */
export function untilLabel(iso: string, now: Date = new Date()): string {
  return dayLabel(iso, now) === 'Today' ? clockTime(iso) : `${dayLabel(iso, now)} ${clockTime(iso)}`;
}
