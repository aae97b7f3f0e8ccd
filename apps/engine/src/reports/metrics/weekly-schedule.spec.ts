import { dueReportWeek } from './weekly-schedule';

describe('dueReportWeek', () => {
  const monday8 = { day: 1, hour: 8 };

  it('is the week that just ended, from the scheduled hour on, in the zone', () => {
    // Monday 9 March 2026, 07:30 in Rome (06:30 UTC): not yet.
    expect(dueReportWeek(new Date('2026-03-09T06:30:00Z'), 'Europe/Rome', monday8)).toBeNull();
    // 08:00 in Rome: the week of Monday 2 March, Rome midnight to Rome midnight.
    expect(dueReportWeek(new Date('2026-03-09T07:00:00Z'), 'Europe/Rome', monday8)).toEqual({
      weekStart: '2026-03-02',
      from: new Date('2026-03-01T23:00:00Z'),
      to: new Date('2026-03-08T23:00:00Z'),
    });
    // Still that week on Sunday.
    expect(dueReportWeek(new Date('2026-03-15T20:00:00Z'), 'Europe/Rome', monday8)?.weekStart).toBe('2026-03-02');
  });

  it('spans the DST change with the real clock (a 167-hour week)', () => {
    const week = dueReportWeek(new Date('2026-03-30T08:00:00Z'), 'Europe/Rome', monday8);
    expect(week?.weekStart).toBe('2026-03-23');
    expect(((week?.to.getTime() ?? 0) - (week?.from.getTime() ?? 0)) / 3_600_000).toBe(167);
  });
});
