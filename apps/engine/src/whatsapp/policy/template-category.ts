import type { AppliedCategory, MessageCategory } from '@parley/node-sdk';
import type { PolicyFacts, PolicySend } from './policy-facts';

/**
 * A template's category as the policy judges it, from the registry's
 * spelling (Meta's MARKETING, UTILITY, AUTHENTICATION). Anything else Meta
 * may invent is judged as marketing: the strictest rules are the safe guess.
 */
export function categoryOfTemplate(registryCategory: string): MessageCategory {
  const upper = registryCategory.toUpperCase();
  if (upper === 'UTILITY') return 'utility';
  if (upper === 'AUTHENTICATION' || upper === 'AUTHENTICATION_INTERNATIONAL') return 'authentication';
  return 'marketing';
}

/**
 * The send with the category Meta gave its template. Meta approves and may
 * re-categorise templates (`template_category_update`), so a flow author's
 * "utility" on a MARKETING template must not let it past the marketing
 * rules; a template the registry does not have is judged as marketing.
 * Free-form messages keep the category the step declares.
 */
export function applyRegistryCategory(send: PolicySend, template: PolicyFacts['template']): PolicySend {
  if (send.kind !== 'template') return { ...send, category: send.declaredCategory, categorySource: 'declared', registryCategory: null };
  if (typeof template === 'object' && template !== null) {
    return {
      ...send,
      category: categoryOfTemplate(template.category),
      categorySource: 'registry',
      registryCategory: template.category,
    };
  }
  return { ...send, category: 'marketing', categorySource: 'not_in_registry', registryCategory: null };
}

function templateLabel(send: PolicySend): string {
  return `${send.templateName ?? '?'} (${send.templateLanguage ?? '?'})`;
}

/** One sentence saying which category a send was judged by and why (for the step's output and the rules' reasons). */
export function categoryReason(send: PolicySend): string {
  switch (send.categorySource) {
    case 'declared':
      return `A free-form message: judged as ${send.category}, as the step says.`;
    case 'registry': {
      const differs =
        send.category !== send.declaredCategory ? `; the step says ${send.declaredCategory}, WhatsApp’s category applies` : '';
      return `Template ${templateLabel(send)} is ${send.registryCategory ?? send.category} in WhatsApp’s template registry${differs}.`;
    }
    case 'not_in_registry':
      return `Template ${templateLabel(send)} is not in the template registry, so it is judged as marketing (the step says ${send.declaredCategory}).`;
  }
}

/** What the step's output records about the category a send was judged by. */
export function appliedCategory(send: PolicySend): AppliedCategory {
  return {
    applied: send.category,
    declared: send.declaredCategory,
    source: send.categorySource,
    registryCategory: send.registryCategory,
    reason: categoryReason(send),
  };
}
