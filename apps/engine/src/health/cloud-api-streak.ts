/** Consecutive good and bad Cloud API calls seen by one process. */
export interface CloudApiStreak {
  bad: number;
  good: number;
}

export interface CloudApiCall {
  latencyMs: number;
  /** No answer, an unknown outcome, or a 5xx: Meta did not do its part (a 4xx refusal is Meta working). */
  failed: boolean;
}

export interface StreakSettings {
  slowMs: number;
  /** How many bad calls in a row make the API degraded, and how many good ones clear it. */
  after: number;
}

export type StreakStep = { streak: CloudApiStreak; transition: 'degrade' | 'recover' | null };

/** Whether a call is bad: failed, or slower than the setting. */
export function isBadCall(call: CloudApiCall, settings: StreakSettings): boolean {
  return call.failed || call.latencyMs > settings.slowMs;
}

/**
 * The next streak after `call`, and the state change it calls for: exactly
 * at the N-th bad call in a row "degrade", at the N-th good one "recover".
 * Past N nothing more is asked, so a long outage writes and notifies once.
 */
export function nextStreak(streak: CloudApiStreak, call: CloudApiCall, settings: StreakSettings): StreakStep {
  if (isBadCall(call, settings)) {
    const bad = streak.bad + 1;
    return { streak: { bad, good: 0 }, transition: bad === settings.after ? 'degrade' : null };
  }
  const good = streak.good + 1;
  return { streak: { bad: 0, good }, transition: good === settings.after ? 'recover' : null };
}
