import type { ExecutionStep } from '../execution-view';
import { describeExecutionOutcome, describeStepOutcome, initialReplayStep } from './step-outcome';

let sequence = 0;
function run(nodeId: string, status: string, extra: Partial<ExecutionStep> = {}): ExecutionStep {
  sequence += 1;
  return {
    sequence,
    nodeId,
    nodeType: 'x',
    status,
    visit: 1,
    attempt: 1,
    decision: null,
    input: null,
    output: null,
    outputName: null,
    errorCode: null,
    errorMessage: null,
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    durationMs: null,
    ...extra,
  };
}

describe('step outcomes in the replay', () => {
  const retried = [
    run('trigger', 'succeeded', { outputName: 'next' }),
    run('reply', 'failed', { errorCode: '131000', errorMessage: 'Something went wrong' }),
    run('reply', 'succeeded', { attempt: 2, outputName: 'next' }),
  ];

  it('a step that succeeded on a retry says its earlier attempt failed', () => {
    expect(describeStepOutcome(retried.filter((s) => s.nodeId === 'reply'))).toBe(
      'Succeeded on attempt 2, after 1 failed attempt (131000).',
    );
    expect(describeStepOutcome(retried.filter((s) => s.nodeId === 'trigger'))).toBeNull();
  });

  it('a step that failed after its retries, and a step that ran in a loop, say so', () => {
    const failed = [
      run('send', 'failed', { errorCode: '131000' }),
      run('send', 'failed', { attempt: 2, errorCode: '131000' }),
      run('send', 'failed', { attempt: 3, errorCode: '131026' }),
    ];
    expect(describeStepOutcome(failed)).toBe('Failed after 3 attempts (last error: 131026).');
    const loop = [run('ask', 'succeeded', { visit: 1 }), run('ask', 'succeeded', { visit: 2 })];
    expect(describeStepOutcome(loop)).toBe('Ran 2 times (a loop); the last time it succeeded.');
    const waitingRetry = [run('send', 'failed', { errorCode: '130429' }), run('send', 'waiting', { attempt: 2 })];
    expect(describeStepOutcome(waitingRetry)).toBe('Is on attempt 2 (waiting), after 1 failed attempt (130429).');
  });

  it('opens a successful run on no step, a failed one on the step that failed, a waiting one where it waits', () => {
    expect(initialReplayStep({ status: 'succeeded', steps: retried, pendingWait: null })).toBeNull();
    expect(initialReplayStep({ status: 'failed', steps: [...retried, run('tag', 'failed')], pendingWait: null })).toBe('tag');
    expect(
      initialReplayStep({
        status: 'waiting',
        steps: [run('wait', 'waiting')],
        pendingWait: { nodeId: 'wait', kind: 'delay', dueAt: null, eventType: null },
      }),
    ).toBe('wait');
  });

  it('the header says when a successful run needed retries, so it agrees with the steps', () => {
    expect(describeExecutionOutcome({ status: 'succeeded', steps: retried })).toBe('succeeded (1 step needed a retry)');
    expect(describeExecutionOutcome({ status: 'succeeded', steps: [run('trigger', 'succeeded')] })).toBe('succeeded');
  });
});
