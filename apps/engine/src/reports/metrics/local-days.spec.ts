import { localDays } from './local-days';

describe('localDays', () => {
  it('lists each local day of a range once, across the spring DST change (a 23-hour day in Rome)', () => {
    // 28 March 2026 00:00 Rome (UTC+1) to 31 March 00:00 Rome (UTC+2): Saturday, Sunday (23 h), Monday.
    expect(localDays(new Date('2026-03-27T23:00:00Z'), new Date('2026-03-30T22:00:00Z'), 'Europe/Rome')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
  });

  it('counts a 25-hour autumn day once, and a range ending mid-day includes that day', () => {
    expect(localDays(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-26T10:30:00Z'), 'Europe/Rome')).toEqual([
      '2026-10-25',
      '2026-10-26',
    ]);
  });

  it('places days in the zone, not in UTC, and an empty range has none', () => {
    expect(localDays(new Date('2026-03-09T00:00:00Z'), new Date('2026-03-10T00:00:00Z'), 'America/New_York')).toEqual([
      '2026-03-08',
      '2026-03-09',
    ]);
    expect(localDays(new Date('2026-03-09T00:00:00Z'), new Date('2026-03-09T00:00:00Z'), 'UTC')).toEqual([]);
  });
});
