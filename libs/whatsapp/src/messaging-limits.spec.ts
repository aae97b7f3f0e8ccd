import { MESSAGING_LIMIT_TIERS_BY_NAME } from './messaging-limits';

describe('MESSAGING_LIMIT_TIERS_BY_NAME', () => {
  it('maps the current portfolio tiers, the older ones, and unlimited to null', () => {
    expect(MESSAGING_LIMIT_TIERS_BY_NAME).toEqual({
      TIER_50: 50,
      TIER_250: 250,
      TIER_1K: 1000,
      TIER_2K: 2000,
      TIER_10K: 10000,
      TIER_100K: 100000,
      TIER_UNLIMITED: null,
    });
    expect('TIER_NOT_SET' in MESSAGING_LIMIT_TIERS_BY_NAME).toBe(false);
    expect(Object.isFrozen(MESSAGING_LIMIT_TIERS_BY_NAME)).toBe(true);
  });
});
