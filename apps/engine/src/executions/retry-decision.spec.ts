import { type RetryFacts, decideRetry } from './retry-decision';

const failedRun: RetryFacts = {
  status: 'failed',
  testMode: false,
  failedStep: { nodeId: 'reply', visit: 2 },
  effectStatus: 'failed',
  version: { id: 'v1', number: 1 },
  latest: { id: 'v4', number: 4, hasFailedStep: true },
};
const same = { resendUnknown: false, onVersion: 'same' } as const;
const latest = { resendUnknown: false, onVersion: 'latest' } as const;

describe('decideRetry', () => {
  it('retries a failed run from its failed step on its own version', () => {
    expect(decideRetry('e1', failedRun, same)).toEqual({
      retry: true,
      nodeId: 'reply',
      effectKey: 'e1:reply:2',
      toVersion: null,
      resendUnknown: false,
    });
  });

  it('moves it to the latest version when asked and the step is still there', () => {
    expect(decideRetry('e1', failedRun, latest)).toMatchObject({ retry: true, toVersion: { id: 'v4', number: 4 } });
    // Already on the latest: nothing to move.
    expect(decideRetry('e1', { ...failedRun, latest: { id: 'v1', number: 1, hasFailedStep: true } }, latest)).toMatchObject({
      retry: true,
      toVersion: null,
    });
  });

  it('refuses, naming why, when the latest version lost the step, the flow is unpublished, or it is a test run', () => {
    expect(decideRetry('e1', { ...failedRun, latest: { id: 'v4', number: 4, hasFailedStep: false } }, latest)).toEqual({
      retry: false,
      reason: 'onVersion: the step “reply” this run failed at was removed in the latest version (v4); retry it on v1 instead.',
    });
    expect(decideRetry('e1', { ...failedRun, latest: null }, latest)).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/no published version/),
    });
    expect(decideRetry('e1', { ...failedRun, testMode: true }, latest)).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/test run/),
    });
    // None of that matters for a retry on its own version.
    expect(decideRetry('e1', { ...failedRun, latest: null, testMode: true }, same)).toMatchObject({ retry: true });
  });

  it('refuses what is not failed, has no failed step, or may already have reached the customer', () => {
    expect(decideRetry('e1', { ...failedRun, status: 'succeeded' }, same)).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/succeeded/),
    });
    expect(decideRetry('e1', { ...failedRun, failedStep: null }, same)).toMatchObject({ retry: false });
    expect(decideRetry('e1', { ...failedRun, effectStatus: 'unknown' }, same)).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/resendUnknown/),
    });
    expect(decideRetry('e1', { ...failedRun, effectStatus: 'unknown' }, { resendUnknown: true, onVersion: 'same' })).toMatchObject({
      retry: true,
      resendUnknown: true,
    });
  });
});
