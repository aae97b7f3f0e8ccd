import { describeRecount, type Recount } from './recount';

const base: Recount = {
  id: 'r1',
  state: 'queued',
  requestedAt: '2026-12-06T19:10:42.000Z',
  requestedBy: 'Ada',
  startedAt: null,
  finishedAt: null,
  doneSteps: 0,
  totalSteps: 0,
};

describe('describeRecount', () => {
  it('says what state a recount is in, with its progress while it runs', () => {
    expect(describeRecount(null).text).toBe('Past figures have not been recounted from this screen yet.');
    expect(describeRecount(base)).toEqual({
      text: 'Recount queued at 2026-12-06 19:10 UTC, asked by Ada: waiting for the rollup job.',
      share: 0,
    });
    expect(describeRecount({ ...base, state: 'running', startedAt: base.requestedAt, doneSteps: 12, totalSteps: 40 })).toEqual({
      text: 'Recounting: 12 of 40 steps (30%). The figures change when it ends.',
      share: 0.3,
    });
    expect(describeRecount({ ...base, state: 'finished', finishedAt: '2026-12-06T19:12:00.000Z', requestedBy: null })).toEqual({
      text: 'Past figures recounted at 2026-12-06 19:12 UTC with the hours as they were then.',
      share: null,
    });
  });
});
