import type { PolicyRuleCheck } from './policy-rule';
import { block } from './policy-verdict';

/** Meta has not delivered marketing messages to US (+1) numbers since April 2025. */
export const usMarketingRule: PolicyRuleCheck = (send, facts, policy) => {
  if (!policy.blockMarketingToUs || send.category !== 'marketing') return null;
  const number = facts.contact.phoneE164 ?? `+${facts.contact.waId}`;
  return number.startsWith('+1')
    ? block('us_marketing', 'WhatsApp does not deliver marketing messages to US (+1) numbers.', { number })
    : null;
};
