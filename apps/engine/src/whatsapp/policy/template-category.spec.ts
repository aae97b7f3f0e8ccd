import type { PolicySend } from './policy-facts';
import { appliedCategory, applyRegistryCategory, categoryOfTemplate } from './template-category';

const templateSend: PolicySend = {
  origin: 'flow',
  category: 'utility',
  declaredCategory: 'utility',
  categorySource: 'declared',
  registryCategory: null,
  kind: 'template',
  templateName: 'coupon_10',
  templateLanguage: 'en',
  templateParameters: { body: 0, header: 0, buttons: 0 },
  contentHash: 'h',
  hasFallback: false,
};
const approved = (category: string) => ({ status: 'APPROVED', category, parameters: { body: 0, header: 0, buttons: 0 } });

describe('template category', () => {
  it('maps Meta’s categories, judging anything unknown as marketing', () => {
    expect(categoryOfTemplate('MARKETING')).toBe('marketing');
    expect(categoryOfTemplate('UTILITY')).toBe('utility');
    expect(categoryOfTemplate('utility')).toBe('utility');
    expect(categoryOfTemplate('AUTHENTICATION')).toBe('authentication');
    expect(categoryOfTemplate('AUTHENTICATION_INTERNATIONAL')).toBe('authentication');
    expect(categoryOfTemplate('MARKETING_LITE')).toBe('marketing');
  });

  it('takes a template’s category from the registry and records both', () => {
    const judged = applyRegistryCategory(templateSend, approved('MARKETING'));
    expect(appliedCategory(judged)).toEqual({
      applied: 'marketing',
      declared: 'utility',
      source: 'registry',
      registryCategory: 'MARKETING',
      reason: 'Template coupon_10 (en) is MARKETING in WhatsApp’s template registry; the step says utility, WhatsApp’s category applies.',
    });
  });

  it('judges a template the registry does not have as marketing, synced or not', () => {
    for (const template of ['unknown', 'not_synced'] as const) {
      expect(appliedCategory(applyRegistryCategory(templateSend, template))).toMatchObject({
        applied: 'marketing',
        declared: 'utility',
        source: 'not_in_registry',
        registryCategory: null,
      });
    }
  });

  it('leaves a free-form message with the category its step declares', () => {
    const freeForm: PolicySend = {
      ...templateSend,
      kind: 'free_form',
      templateName: null,
      templateLanguage: null,
      category: 'service',
      declaredCategory: 'service',
    };
    expect(appliedCategory(applyRegistryCategory(freeForm, null))).toMatchObject({
      applied: 'service',
      declared: 'service',
      source: 'declared',
    });
  });
});
