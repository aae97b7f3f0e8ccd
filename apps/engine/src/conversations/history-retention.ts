const DAY_MS = 86_400_000;

/** Messages before this may be pruned (each conversation still keeps its last 50). */
export function pruneCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - Math.max(180, retentionDays) * DAY_MS);
}
