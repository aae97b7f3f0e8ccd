import type { PolicyRuleCheck } from './policy-rule';
import { block } from './policy-verdict';

/** The same content at most N times per 30 days to one contact (flow sends only). */
export const sameContentRule: PolicyRuleCheck = (_send, facts, policy) => {
  const sent = facts.history.sameContentLast30Days;
  return sent >= policy.sameContentPer30Days
    ? block(
        'same_content',
        `This contact already got this same message ${sent} time(s) in the last 30 days (limit ${policy.sameContentPer30Days}).`,
        {
          sentLast30Days: sent,
          limit: policy.sameContentPer30Days,
        },
      )
    : null;
};
