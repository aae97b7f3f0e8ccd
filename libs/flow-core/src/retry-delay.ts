import type { RetryPolicy } from './flow-document';

/** How much longer each retry waits than the one before, with exponential backoff (Meta's advice for rate limits). */
export const RETRY_BACKOFF_FACTOR = 4;

/**
 * How long to wait before retrying after failed attempt `attempt` (1 for the
 * first try): the policy's delay, times RETRY_BACKOFF_FACTOR per earlier retry
 * when the backoff is exponential. The engine schedules retries with it and
 * the editor describes policies with it, so the two cannot disagree.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const factor = policy.backoff === 'exponential' ? RETRY_BACKOFF_FACTOR ** Math.max(0, attempt - 1) : 1;
  return policy.delaySeconds * 1000 * factor;
}

/** Whether failed attempt `attempt` (1 for the first try) may be retried under `policy`. */
export function mayRetry(policy: RetryPolicy | null, attempt: number): policy is RetryPolicy {
  return policy !== null && attempt <= policy.retries;
}
