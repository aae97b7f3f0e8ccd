import { type CountTerm, countTerms } from './health-count-terms';

const at = (iso: string) => new Date(iso);
const show = (terms: CountTerm[]) => terms.map((t) => `${t.sign > 0 ? '+' : '-'}${t.source} ${t.from.toISOString()} ${t.to.toISOString()}`);

describe('countTerms', () => {
  const now = at('2026-03-02T10:20:00Z');

  it('reads whole hours from the hourly counts only', () => {
    expect(show(countTerms(at('2026-03-01T10:00:00Z'), at('2026-03-02T10:00:00Z'), now))).toEqual([
      '+hours 2026-03-01T10:00:00.000Z 2026-03-02T10:00:00.000Z',
    ]);
  });

  it('counts the smaller part of a partial hour, and the part of an hour after now as empty', () => {
    // 10:20 yesterday to 10:20 now: the first hour's 20 minutes before the start are fewer than its 40 after; the
    // last hour's 40 minutes after now hold no runs.
    expect(show(countTerms(at('2026-03-01T10:20:00Z'), now, now))).toEqual([
      '+hours 2026-03-01T11:00:00.000Z 2026-03-02T10:00:00.000Z',
      '+hours 2026-03-01T10:00:00.000Z 2026-03-01T11:00:00.000Z',
      '-runs 2026-03-01T10:00:00.000Z 2026-03-01T10:20:00.000Z',
      '+hours 2026-03-02T10:00:00.000Z 2026-03-02T11:00:00.000Z',
      '-runs 2026-03-02T10:20:00.000Z 2026-03-02T11:00:00.000Z',
    ]);
  });

  it('counts the 10 minutes of a start at 10:50, and takes the 10 minutes before a start at 10:10 from its hour', () => {
    const late = at('2026-03-03T00:00:00Z');
    expect(show(countTerms(at('2026-03-01T10:50:00Z'), at('2026-03-01T12:00:00Z'), late))).toEqual([
      '+hours 2026-03-01T11:00:00.000Z 2026-03-01T12:00:00.000Z',
      '+runs 2026-03-01T10:50:00.000Z 2026-03-01T11:00:00.000Z',
    ]);
    expect(show(countTerms(at('2026-03-01T10:10:00Z'), at('2026-03-01T12:00:00Z'), late))).toEqual([
      '+hours 2026-03-01T11:00:00.000Z 2026-03-01T12:00:00.000Z',
      '+hours 2026-03-01T10:00:00.000Z 2026-03-01T11:00:00.000Z',
      '-runs 2026-03-01T10:00:00.000Z 2026-03-01T10:10:00.000Z',
    ]);
  });

  it('counts a period within one hour directly, and an empty period as nothing', () => {
    expect(show(countTerms(at('2026-03-01T10:05:00Z'), at('2026-03-01T10:50:00Z'), now))).toEqual([
      '+runs 2026-03-01T10:05:00.000Z 2026-03-01T10:50:00.000Z',
    ]);
    expect(countTerms(now, now, now)).toEqual([]);
  });
});
