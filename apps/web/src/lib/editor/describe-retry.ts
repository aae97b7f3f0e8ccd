import { RETRY_BACKOFF_FACTOR, type RetryPolicy } from '@parley/flow-core';

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "Retry 2 times, first after 30 s, 4× longer each time" — how a retry policy reads in the form (the factor is the engine's own). */
export function describeRetry(policy: RetryPolicy | null | undefined): string {
  if (!policy || policy.retries === 0) return 'No retry';
  const times = policy.retries === 1 ? 'once' : `${policy.retries} times`;
  return policy.backoff === 'exponential'
    ? `Retry ${times}, first after ${duration(policy.delaySeconds)}, ${RETRY_BACKOFF_FACTOR}× longer each time`
    : `Retry ${times}, every ${duration(policy.delaySeconds)}`;
}
