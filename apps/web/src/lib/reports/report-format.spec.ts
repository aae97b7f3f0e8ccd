import { formatDuration, periodChange, toCsv } from './report-format';

describe('report formatting', () => {
  it('reads durations the way people say them', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(360)).toBe('6 min');
    expect(formatDuration(390)).toBe('6 min 30 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(229500)).toBe('2 d 15 h');
    expect(formatDuration(null)).toBe('—');
  });

  it('exports CSV with quoting and without spreadsheet formulas', () => {
    expect(
      toCsv(
        ['name', 'count'],
        [
          ['Anna, "A"', 3],
          ['=SUM(A1)', null],
        ],
      ),
    ).toBe('name,count\r\n"Anna, ""A""",3\r\n\'=SUM(A1),\r\n');
  });

  it('compares with the previous period', () => {
    expect(periodChange(15, 10)).toBe(0.5);
    expect(periodChange(3, 0)).toBeNull();
  });
});
