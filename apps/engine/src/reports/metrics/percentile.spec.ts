import { median, percentile } from './percentile';

describe('percentile (nearest rank, as percentile_disc)', () => {
  it('takes the lower middle of an even count and never interpolates', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([5, 1, 3])).toBe(3);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(90);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
  });

  it('is null without values', () => {
    expect(median([])).toBeNull();
  });
});
