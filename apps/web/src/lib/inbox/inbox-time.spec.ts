import { dayLabel, momentPhrase, untilLabel } from './inbox-time';

// Local times, so the expectations hold in whatever zone the tests run.
const now = new Date(2026, 11, 7, 12, 0);
const at = (day: number, hour: number, minute: number) => new Date(2026, 11, day, hour, minute).toISOString();

describe('inbox times', () => {
  it('names the day of a separator', () => {
    expect(dayLabel(at(7, 8, 0), now)).toBe('Today');
    expect(dayLabel(at(6, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(at(5, 4, 50), now)).toBe('Saturday 5 December');
  });

  it('says until when with the day only when it is not today', () => {
    expect(untilLabel(at(7, 15, 40), now)).toBe('15:40');
    expect(untilLabel(at(8, 3, 5), now)).toBe('tomorrow 03:05');
    expect(untilLabel(at(6, 15, 40), now)).toBe('yesterday 15:40');
    expect(untilLabel(at(10, 9, 0), now)).toBe('Thursday 10 December 09:00');
  });

  it('reads as a phrase inside a sentence', () => {
    expect(`closed ${momentPhrase(at(7, 4, 50), now)}`).toBe('closed at 04:50');
    expect(`closed ${momentPhrase(at(6, 4, 50), now)}`).toBe('closed yesterday at 04:50');
    expect(`closed ${momentPhrase(at(5, 4, 50), now)}`).toBe('closed on Saturday 5 December at 04:50');
  });
});
