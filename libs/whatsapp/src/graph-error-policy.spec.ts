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
    expect([131000, 131049, 131056, 131047, 131031, 132001].map((c) => isRetryable(graphErrorPolicy(c)))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  // Every row of the error table in the reference notes (§3.9), with the class it asks for.
  it.each([
    [0, 'fix_credentials'],
    [190, 'fix_credentials'],
    [3, 'fix_credentials'],
    [10, 'fix_credentials'],
    [299, 'fix_credentials'],
    [4, 'retry'],
    [80007, 'retry'],
    [130429, 'retry'],
    [131056, 'recipient_backoff'],
    [131048, 'stop_and_alert'],
    [131049, 'retry_later'],
    [131050, 'never'],
    [131047, 'never'],
    [131026, 'never'],
    [131000, 'retry'],
    [131016, 'retry'],
    [1, 'retry'],
    [2, 'retry'],
    [133004, 'retry'],
    [131057, 'retry_later'],
    [131008, 'never'],
    [131009, 'never'],
    [100, 'never'],
    [131051, 'never'],
    [131052, 'never'],
    [131053, 'never'],
    [131021, 'never'],
    [131030, 'never'],
    [131031, 'stop_and_alert'],
    [368, 'stop_and_alert'],
    [130497, 'stop_and_alert'],
    [131042, 'stop_and_alert'],
    [131064, 'stop_and_alert'],
    [130472, 'never'],
    [132000, 'fix_template'],
    [132001, 'fix_template'],
    [132005, 'fix_template'],
    [132007, 'fix_template'],
    [132008, 'fix_template'],
    [132012, 'fix_template'],
    [132018, 'fix_template'],
    [132015, 'fix_template'],
    [132016, 'fix_template'],
    [470, 'never'],
  ])('reference table: %i is %s', (code, action) => {
    expect(graphErrorPolicy(code).action).toBe(action);
    expect(graphErrorPolicy(code).reason).not.toBe('unclassified error');
  });

  it('waits about a minute for 131057 (maintenance, e.g. a throughput upgrade)', () => {
    expect(graphErrorPolicy(131057).retryAfterMs).toBe(60 * 1000);
  });
});
