/**
 * Unique users a business portfolio may reach outside the customer service
 * window in a moving 24 h, by the tier names of Meta's webhooks and Graph
 * fields; null means unlimited. TIER_1K and TIER_50 are older names still
 * found in BSP documentation and older accounts. TIER_NOT_SET is absent on
 * purpose: it says nothing about the limit.
 */
export const MESSAGING_LIMIT_TIERS_BY_NAME: Readonly<Record<string, number | null>> = Object.freeze({
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10000,
  TIER_100K: 100000,
  TIER_UNLIMITED: null,
});
