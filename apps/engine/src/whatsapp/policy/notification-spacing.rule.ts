import type { PolicyRuleCheck } from './policy-rule';
import { HOUR_MS } from './policy-rule';
import { defer } from './policy-verdict';

/** Identical service notifications (e.g. two shipping updates) at least N hours apart; the second waits. */
export const notificationSpacingRule: PolicyRuleCheck = (send, facts, policy) => {
  const last = facts.history.lastSameNotificationAt;
  if (send.category !== 'utility' || last === null) return null;
  const next = new Date(last.getTime() + policy.notificationMinHoursApart * HOUR_MS);
  return facts.now < next
    ? defer(
        'notification_spacing',
        next,
        `The same notification went to this contact at ${last.toISOString()}; identical notifications go at least ${policy.notificationMinHoursApart} h apart.`,
        {
          lastSentAt: last.toISOString(),
          minHoursApart: policy.notificationMinHoursApart,
        },
      )
    : null;
};
