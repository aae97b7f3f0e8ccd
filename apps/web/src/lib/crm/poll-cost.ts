/** A day in milliseconds: each poll of Salesforce is one request of the org's 24-hour allocation. */
const DAY_MS = 86_400_000;

/** Requests a day spent on polling alone at this interval (rounded up: a part of an interval still polls). */
export function pollRequestsPerDay(intervalMs: number): number {
  return Math.ceil(DAY_MS / intervalMs);
}

/** "1.5 s", "5 s", "10 min": an interval as an admin reads it. */
export function describeInterval(intervalMs: number): string {
  if (intervalMs < 60_000) return `${Number((intervalMs / 1000).toFixed(2))} s`;
  if (intervalMs < 3_600_000) return `${Number((intervalMs / 60_000).toFixed(1))} min`;
  return `${Number((intervalMs / 3_600_000).toFixed(1))} h`;
}

/**
 * What polling at this interval costs: requests a day, and the share of the allocation when the CRM reported it
 * (Sforce-Limit-Info), so the admin weighs a shorter CRM → Parley lag against the org's daily requests.
 */
export function describePollCost(intervalMs: number, dailyMax: number | null): string {
  const perDay = pollRequestsPerDay(intervalMs);
  const share =
    dailyMax && dailyMax > 0 ? ` (${((perDay / dailyMax) * 100).toFixed(1)} % of the ${dailyMax.toLocaleString('en-US')} allowed)` : '';
  return `${perDay.toLocaleString('en-US')} API requests a day${share}`;
}
