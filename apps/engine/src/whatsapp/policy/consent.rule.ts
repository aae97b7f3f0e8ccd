import { windowOpen } from './customer-service-window';
import type { PolicyRuleCheck } from './policy-rule';
import { block } from './policy-verdict';
import { categoryReason } from './template-category';

/**
 * Marketing and transactional consent are kept apart. An opt-out of marketing
 * (STOP keyword, WhatsApp's "stop marketing", error 131050, by hand) stops all
 * marketing; marketing templates need an explicit opt-in; business-initiated
 * utility templates stop when the contact opted out of them.
 */
export const consentRule: PolicyRuleCheck = (send, facts, policy) => {
  const { contact } = facts;
  // A template's category is Meta's, not the author's: the refusal says which one it was judged by.
  const basis = send.categorySource === 'declared' ? '' : ` ${categoryReason(send)}`;
  const category = { category: send.category, categorySource: send.categorySource };
  if (send.category === 'marketing' && contact.marketingConsent === 'opted_out') {
    return block(
      'consent',
      `The contact opted out of marketing messages (${contact.marketingConsentSource ?? 'unknown source'}).${basis}`,
      {
        marketingConsent: contact.marketingConsent,
        source: contact.marketingConsentSource,
        ...category,
      },
    );
  }
  if (
    send.kind === 'template' &&
    send.category === 'marketing' &&
    policy.marketingTemplatesNeedOptIn &&
    contact.marketingConsent !== 'opted_in'
  ) {
    return block('consent', `Marketing templates need the contact’s marketing opt-in, which they have not given.${basis}`, {
      marketingConsent: contact.marketingConsent,
      ...category,
    });
  }
  if (send.kind === 'template' && send.category !== 'marketing' && contact.transactionalConsent === 'opted_out' && !windowOpen(facts)) {
    return block(
      'consent',
      `The contact opted out of notifications (${contact.transactionalConsentSource ?? 'unknown source'}); they can only be answered when they write.${basis}`,
      {
        transactionalConsent: contact.transactionalConsent,
        ...category,
      },
    );
  }
  return null;
};
