const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

/** "15:40" in the reader's time zone. */
export function clockTime(iso: string): string {
  return time.format(new Date(iso));
}

/** The day separator of a conversation: "Today", "Yesterday" or "Monday 2 March". */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const days = daysBefore(date, now);
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

/** Whole calendar days from `now` back to `date` in the reader's zone: 1 is yesterday, -1 tomorrow. */
function daysBefore(date: Date, now: Date): number {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((start(now) - start(date)) / 86_400_000);
}

/** "15:40" today, else with its day: "tomorrow 15:40", "yesterday 15:40", "Monday 2 March 15:40". */
export function untilLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const days = daysBefore(date, now);
  if (days === 0) return clockTime(iso);
  if (days === 1) return `yesterday ${clockTime(iso)}`;
  if (days === -1) return `tomorrow ${clockTime(iso)}`;
  return `${day.format(date)} ${clockTime(iso)}`;
}

/** A past moment inside a sentence ("closed …"): "at 15:40", "yesterday at 15:40", "on Monday 2 March at 15:40". */
export function momentPhrase(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const days = daysBefore(date, now);
  if (days === 0) return `at ${clockTime(iso)}`;
  if (days === 1) return `yesterday at ${clockTime(iso)}`;
  if (days === -1) return `tomorrow at ${clockTime(iso)}`;
  return `on ${day.format(date)} at ${clockTime(iso)}`;
}
