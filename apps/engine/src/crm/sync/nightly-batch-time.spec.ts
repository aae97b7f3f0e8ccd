import { nextBatchAt } from './nightly-batch-time';

describe('nextBatchAt: the nightly CRM batch in the workspace zone', () => {
  it('is today at 02:00 local before it, tomorrow after it', () => {
    // 01:30 in Rome (UTC+1 in winter) is 00:30 UTC.
    expect(nextBatchAt(Date.parse('2026-12-06T00:30:00Z'), 'Europe/Rome', '02:00').toISOString()).toBe('2026-12-06T01:00:00.000Z');
    expect(nextBatchAt(Date.parse('2026-12-06T01:00:00Z'), 'Europe/Rome', '02:00').toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(nextBatchAt(Date.parse('2026-12-06T12:00:00Z'), 'UTC', '23:15').toISOString()).toBe('2026-12-06T23:15:00.000Z');
  });

  it('follows daylight saving: 02:00 that does not exist runs after the jump; summer time moves the UTC hour', () => {
    // Europe/Rome skips 02:00-03:00 on 2027-03-28.
    const skipped = nextBatchAt(Date.parse('2027-03-27T12:00:00Z'), 'Europe/Rome', '02:00');
    expect(skipped.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(nextBatchAt(Date.parse('2027-06-01T12:00:00Z'), 'Europe/Rome', '02:00').toISOString()).toBe('2027-06-02T00:00:00.000Z');
  });

  it('an unknown zone falls back to UTC rather than never running', () => {
    expect(nextBatchAt(Date.parse('2026-12-06T12:00:00Z'), 'Mars/Olympus', '02:00').toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });
});
