import { knownTimeZone, zonedDay, zonedParts, zonedStartOf, zonedTimeToInstant, zonedWallTimeToIso } from './zoned-time';

describe('zoned time', () => {
  it('reads a wall time in the zone, across both sides of a DST change', () => {
    expect(zonedWallTimeToIso('2026-03-02T09:00', 'Europe/Rome')).toBe('2026-03-02T08:00:00.000Z');
    expect(zonedWallTimeToIso('2026-07-02T09:00', 'Europe/Rome')).toBe('2026-07-02T07:00:00.000Z');
    expect(zonedWallTimeToIso('2026-07-02T09:00:30', 'America/New_York')).toBe('2026-07-02T13:00:30.000Z');
    expect(zonedWallTimeToIso('2026-03-02', 'Asia/Shanghai')).toBe('2026-03-01T16:00:00.000Z');
    expect(zonedWallTimeToIso('2026-03-02T09:00', 'UTC')).toBe('2026-03-02T09:00:00.000Z');
    // 02:30 does not exist in Rome on 29 March 2026 (clocks jump from 02:00 to 03:00).
    expect(zonedWallTimeToIso('2026-03-29T02:30', 'Europe/Rome')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('refuses what is not a wall time, and reads an unknown zone as UTC', () => {
    expect(zonedWallTimeToIso('garbage', 'Europe/Rome')).toBeNull();
    expect(zonedWallTimeToIso('2026-03-02T09:00Z', 'Europe/Rome')).toBeNull();
    expect(knownTimeZone('Mars/Olympus')).toBe('UTC');
    expect(zonedWallTimeToIso('2026-03-02T09:00', 'Mars/Olympus')).toBe('2026-03-02T09:00:00.000Z');
  });

  it('finds today and this week’s Monday in the zone, not in UTC', () => {
    // Sunday 23:30 UTC is already Monday in Rome.
    const now = new Date('2026-03-01T23:30:00Z');
    expect(zonedDay(now, 'Europe/Rome')).toBe('2026-03-02');
    expect(zonedDay(now, 'UTC')).toBe('2026-03-01');
    expect(zonedStartOf('day', now, 'Europe/Rome')).toBe('2026-03-01T23:00:00.000Z');
    expect(zonedStartOf('week', now, 'Europe/Rome')).toBe('2026-03-01T23:00:00.000Z');
    expect(zonedStartOf('week', now, 'UTC')).toBe('2026-02-23T00:00:00.000Z');
    expect(zonedStartOf('week', new Date('2026-03-05T12:00:00Z'), 'America/New_York')).toBe('2026-03-02T05:00:00.000Z');
  });

  it('reads the wall times around a DST change as the clock shows them', () => {
    // 01:30 in Rome on 29 March 2026 is still CET: it is real, not shifted.
    expect(zonedWallTimeToIso('2026-03-29T01:30', 'Europe/Rome')).toBe('2026-03-29T00:30:00.000Z');
    // 02:30 does not exist in New York on 8 March 2026: it reads as 03:30 EDT, after the jump.
    expect(zonedWallTimeToIso('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    // 02:30 happens twice in Rome on 25 October 2026 and 01:30 twice in New York on 1 November: the first one.
    expect(zonedWallTimeToIso('2026-10-25T02:30', 'Europe/Rome')).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedWallTimeToIso('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('gives the wall clock of an instant and the instant of a minute of a day', () => {
    expect(zonedParts(Date.parse('2026-03-01T23:30:00Z'), 'Europe/Rome')).toEqual({
      year: 2026,
      month: 3,
      day: 2,
      hour: 0,
      minute: 30,
      second: 0,
      weekday: 1,
    });
    expect(new Date(zonedTimeToInstant(2026, 3, 30, 9 * 60, 'Europe/Rome')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(new Date(zonedTimeToInstant(2026, 3, 29, 150, 'Europe/Rome')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(() => zonedParts(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
