import type { TemplateCategory } from './template-registry';

/** `statuses[].pricing` under per-message pricing (PMP, since 1 Jul 2025). */
export interface StatusPricing {
  billable: boolean;
  pricing_model: 'PMP';
  category: 'marketing' | 'utility' | 'authentication' | 'service';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
}

/**
 * What Meta charges for a message: marketing and authentication always;
 * utility only outside an open customer service window; free-form replies
 * inside the window are free; everything is free for 72 h after a
 * click-to-WhatsApp ad. A template of unknown category (empty registry) is
 * priced as utility.
 */
export function pricingFor(input: {
  templateCategory: TemplateCategory | 'UNKNOWN' | null;
  insideWindow: boolean;
  freeEntryPoint: boolean;
}): StatusPricing {
  const category =
    input.templateCategory === null ? 'service' : input.templateCategory === 'UNKNOWN' ? 'utility' : lower(input.templateCategory);
  if (input.freeEntryPoint) return { billable: false, pricing_model: 'PMP', category, type: 'free_entry_point' };
  if (category === 'service' || (category === 'utility' && input.insideWindow))
    return { billable: false, pricing_model: 'PMP', category, type: 'free_customer_service' };
  return { billable: true, pricing_model: 'PMP', category, type: 'regular' };
}

function lower(category: TemplateCategory): StatusPricing['category'] {
  switch (category) {
    case 'MARKETING':
      return 'marketing';
    case 'UTILITY':
      return 'utility';
    case 'AUTHENTICATION':
      return 'authentication';
  }
}
