import { RETRY_BACKOFF_FACTOR, mayRetry, retryDelayMs } from './retry-delay';

describe('retry delays', () => {
  it('multiplies the delay by the backoff factor per earlier retry when exponential', () => {
    const policy = { retries: 4, delaySeconds: 30, backoff: 'exponential' as const };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt))).toEqual([30_000, 120_000, 480_000, 1_920_000]);
    expect(RETRY_BACKOFF_FACTOR).toBe(4);
  });

  it('keeps the delay with a fixed backoff', () => {
    const policy = { retries: 3, delaySeconds: 90, backoff: 'fixed' as const };
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt))).toEqual([90_000, 90_000, 90_000]);
  });

  it('allows as many retries as the policy says, and none without a policy', () => {
    const policy = { retries: 2, delaySeconds: 1, backoff: 'fixed' as const };
    expect([1, 2, 3].map((attempt) => mayRetry(policy, attempt))).toEqual([true, true, false]);
    expect(mayRetry({ ...policy, retries: 0 }, 1)).toBe(false);
    expect(mayRetry(null, 1)).toBe(false);
  });
});
