import { graphErrorPolicy, isRetryable } from './graph-error-policy';

describe('graphErrorPolicy', () => {
  it.each([
    [131000, 'retry'],
    [131016, 'retry'],
    [130429, 'retry'],
    [133004, 'retry'],
    [131049, 'retry_later'],
    [131056, 'recipient_backoff'],
    [131047, 'never'],
    [131026, 'never'],
    [131050, 'never'],
    [131031, 'stop_and_alert'],
    [368, 'stop_and_alert'],
    [131048, 'stop_and_alert'],
    [132000, 'fix_template'],
    [132015, 'fix_template'],
    [190, 'fix_credentials'],
    [200, 'fix_credentials'],
    [999999, 'never'],
  ])('classifies %i as %s', (code, action) => {
    expect(graphErrorPolicy(code).action).toBe(action);
  });

  it('waits 24 h before retrying 131049', () => {
    expect(graphErrorPolicy(131049).retryAfterMs).toBe(24 * 60 * 60 * 1000);
  });

  it('retries only the retryable classes', () => {
    expect([131000, 131049, 131056, 131047, 131031, 132001].map((c) => isRetryable(graphErrorPolicy(c)))).toEqual([true, true, true, false, false, false]);
  });
});
