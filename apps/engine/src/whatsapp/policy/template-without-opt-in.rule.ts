import { windowOpen } from './customer-service-window';
import type { PolicyRuleCheck } from './policy-rule';
import { DAY_MS } from './policy-rule';
import { block, defer } from './policy-verdict';

/**
 * At most N business-initiated templates per 24 h to a contact who has not
 * opted in to that kind of message. Inside the customer-service window the
 * customer is talking to the business, so a template there is an answer, not
 * an unsolicited message.
 */
export const templateWithoutOptInRule: PolicyRuleCheck = (send, facts, policy) => {
  if (send.kind !== 'template' || windowOpen(facts)) return null;
  const consent = send.category === 'marketing' ? facts.contact.marketingConsent : facts.contact.transactionalConsent;
  if (consent === 'opted_in') return null;
  const { templatesLast24h, lastTemplateAt } = facts.history;
  const limit = policy.templatesPerDayWithoutOptIn;
  if (templatesLast24h < limit) return null;
  const numbers = { templatesLast24h, limit, consent };
  if (limit === 0 || lastTemplateAt === null)
    return block('template_without_opt_in', 'Templates to contacts who have not opted in are turned off for this workspace.', numbers);
  return defer(
    'template_without_opt_in',
    new Date(lastTemplateAt.getTime() + DAY_MS),
    `The contact has not opted in and already got ${templatesLast24h} template(s) in 24 h (limit ${limit}); this one waits.`,
    numbers,
  );
};
