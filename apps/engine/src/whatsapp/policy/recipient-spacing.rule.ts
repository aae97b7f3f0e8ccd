import type { PolicyRuleCheck } from './policy-rule';
import { defer } from './policy-verdict';

/** At least N seconds between two messages to one recipient (WhatsApp's pair rate): queue, don't burst. */
export const recipientSpacingRule: PolicyRuleCheck = (_send, facts, policy) => {
  const last = facts.history.lastOutboundAt;
  if (last === null || policy.recipientSpacingSeconds === 0) return null;
  const next = new Date(last.getTime() + policy.recipientSpacingSeconds * 1000);
  return facts.now < next
    ? defer(
        'recipient_spacing',
        next,
        `The last message to this contact went ${((facts.now.getTime() - last.getTime()) / 1000).toFixed(1)} s ago; messages to one recipient go at least ${policy.recipientSpacingSeconds} s apart.`,
        {
          lastSentAt: last.toISOString(),
          spacingSeconds: policy.recipientSpacingSeconds,
        },
      )
    : null;
};
