import { businessSeconds, type BusinessHours } from './business-hours';

const WEEKDAYS_9_TO_18: BusinessHours = { days: [1, 2, 3, 4, 5], openMinute: 9 * 60, closeMinute: 18 * 60 };

describe('businessSeconds', () => {
  it('counts only the open span of each working day, in the zone', () => {
    // Friday 17:00 Rome (16:00 UTC) -> Monday 10:00 Rome: 1 h on Friday + 1 h on Monday.
    expect(businessSeconds(new Date('2026-03-06T16:00:00Z'), new Date('2026-03-09T09:00:00Z'), WEEKDAYS_9_TO_18, 'Europe/Rome')).toBe(
      2 * 3600,
    );
  });

  it('places the open span on the real clock across the spring DST change', () => {
    // Rome moves to CEST on Sunday 29 March 2026. Friday 27th 09:00 CET = 08:00 UTC; Monday 30th 09:00 CEST = 07:00 UTC.
    expect(businessSeconds(new Date('2026-03-27T08:00:00Z'), new Date('2026-03-30T07:00:00Z'), WEEKDAYS_9_TO_18, 'Europe/Rome')).toBe(
      9 * 3600,
    );
    // Monday 30th 08:30 UTC = 10:30 CEST: 1.5 h after opening.
    expect(businessSeconds(new Date('2026-03-30T06:00:00Z'), new Date('2026-03-30T08:30:00Z'), WEEKDAYS_9_TO_18, 'Europe/Rome')).toBe(
      1.5 * 3600,
    );
  });

  it('is zero outside business hours and for empty spans', () => {
    // Saturday all day in New York.
    expect(businessSeconds(new Date('2026-03-07T05:00:00Z'), new Date('2026-03-08T04:59:00Z'), WEEKDAYS_9_TO_18, 'America/New_York')).toBe(
      0,
    );
    expect(businessSeconds(new Date('2026-03-09T15:00:00Z'), new Date('2026-03-09T15:00:00Z'), WEEKDAYS_9_TO_18, 'UTC')).toBe(0);
  });

  it('handles a zone east of UTC whose local day starts on the previous UTC day', () => {
    // Monday 08:00 Tokyo (Sunday 23:00 UTC) until Monday 09:30 Tokyo: the half hour after opening.
    expect(businessSeconds(new Date('2026-03-08T23:00:00Z'), new Date('2026-03-09T00:30:00Z'), WEEKDAYS_9_TO_18, 'Asia/Tokyo')).toBe(
      30 * 60,
    );
  });

  it('uses a day’s own hours where it has them (Friday 09:00–13:00), the common ones on the other days', () => {
    const shortFriday: BusinessHours = { ...WEEKDAYS_9_TO_18, perDay: { 5: { openMinute: 9 * 60, closeMinute: 13 * 60 } } };
    // Friday 12:00 Rome (11:00 UTC) -> Monday 10:00 Rome: 1 h on Friday (until 13:00) + 1 h on Monday.
    expect(businessSeconds(new Date('2026-03-06T11:00:00Z'), new Date('2026-03-09T09:00:00Z'), shortFriday, 'Europe/Rome')).toBe(2 * 3600);
    // The same span with the common hours: 6 h on Friday + 1 h on Monday.
    expect(businessSeconds(new Date('2026-03-06T11:00:00Z'), new Date('2026-03-09T09:00:00Z'), WEEKDAYS_9_TO_18, 'Europe/Rome')).toBe(
      7 * 3600,
    );
  });
});
