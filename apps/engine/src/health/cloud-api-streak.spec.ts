import { type CloudApiStreak, nextStreak } from './cloud-api-streak';

const settings = { slowMs: 1500, after: 3 };

function run(calls: { latencyMs: number; failed?: boolean }[]): (string | null)[] {
  let streak: CloudApiStreak = { bad: 0, good: 0 };
  return calls.map((call) => {
    const step = nextStreak(streak, { latencyMs: call.latencyMs, failed: call.failed ?? false }, settings);
    streak = step.streak;
    return step.transition;
  });
}

describe('Cloud API health streak', () => {
  it('degrades at the third slow or failed call in a row, once', () => {
    expect(run([{ latencyMs: 2000 }, { latencyMs: 10, failed: true }, { latencyMs: 1501 }, { latencyMs: 5000 }])).toEqual([
      null,
      null,
      'degrade',
      null,
    ]);
  });

  it('does not degrade when a good call breaks the streak', () => {
    expect(run([{ latencyMs: 2000 }, { latencyMs: 2000 }, { latencyMs: 100 }, { latencyMs: 2000 }, { latencyMs: 2000 }])).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('counts a call exactly at the setting as good, and recovers after as many good calls', () => {
    const transitions = run([
      { latencyMs: 1600 },
      { latencyMs: 1600 },
      { latencyMs: 1600 },
      { latencyMs: 1500 },
      { latencyMs: 20 },
      { latencyMs: 20 },
      { latencyMs: 20 },
    ]);
    expect(transitions).toEqual([null, null, 'degrade', null, null, 'recover', null]);
  });
});
