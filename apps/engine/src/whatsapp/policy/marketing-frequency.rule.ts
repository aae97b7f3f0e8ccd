import { DateTime } from 'luxon';
import type { PolicyRuleCheck } from './policy-rule';
import { block } from './policy-verdict';

/**
 * Promotions at most once every N days per contact (a week by default),
 * counted in calendar days of the contact's time zone: a campaign sent every
 * Wednesday at 14:00 must pass each week even when last week's send left a
 * few seconds later than this week's.
 */
export const marketingFrequencyRule: PolicyRuleCheck = (send, facts, policy) => {
  const last = facts.history.lastMarketingAt;
  if (send.category !== 'marketing' || last === null) return null;
  const zone = facts.contact.timeZone;
  const nextAllowed = DateTime.fromJSDate(last, { zone }).startOf('day').plus({ days: policy.marketingMinDaysApart }).toJSDate();
  return facts.now < nextAllowed
    ? block(
        'marketing_frequency',
        `The contact got a promotional message at ${last.toISOString()}; the next may go from ${nextAllowed.toISOString()} (${zone}).`,
        {
          lastMarketingAt: last.toISOString(),
          minDaysApart: policy.marketingMinDaysApart,
          nextAllowedAt: nextAllowed.toISOString(),
          timeZone: zone,
        },
      )
    : null;
};
