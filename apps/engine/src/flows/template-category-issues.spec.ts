import { buildFlow } from '@parley/flow-templates';
import { templateCategoryIssues, templatesOfFlow } from './template-category-issues';

const sendTemplate = (name: string, category: string) => ({
  message: {
    type: 'template',
    template: { name, language: 'en', headerFormat: 'none', headerParameter: null, bodyParameters: [], buttonParameters: [] },
  },
  category,
  templateFallback: null,
});
const flow = (config: Record<string, unknown>) =>
  buildFlow(
    [
      { id: 't', type: 'trigger.manual', config: {}, at: [0, 0] },
      { id: 'send', type: 'whatsapp.send_message', config, at: [0, 1] },
    ],
    [['t', 'next', 'send']],
  );

describe('template categories at publish', () => {
  const registry = [
    { name: 'coupon_10', language: 'en', category: 'MARKETING' },
    { name: 'order_update', language: 'en', category: 'UTILITY' },
    { name: 'order_update', language: 'it', category: 'MARKETING' },
  ];

  it('refuses a step whose category contradicts the registry, on the step’s field, naming both', () => {
    expect(templateCategoryIssues(flow(sendTemplate('coupon_10', 'utility')), registry)).toEqual([
      {
        code: 'template_category_mismatch',
        nodeId: 'send',
        field: 'category',
        message: expect.stringMatching(/coupon_10 \(en\) is MARKETING .* this step says utility/),
      },
    ]);
  });

  it('accepts a step that agrees with the registry, and a template the registry does not have', () => {
    expect(templateCategoryIssues(flow(sendTemplate('coupon_10', 'marketing')), registry)).toEqual([]);
    expect(templateCategoryIssues(flow(sendTemplate('order_update', 'utility')), registry)).toEqual([]);
    expect(templateCategoryIssues(flow(sendTemplate('not_synced_yet', 'utility')), registry)).toEqual([]);
  });

  it('judges free-form messages by their own category', () => {
    const text = { message: { type: 'text', text: 'coupon_10', previewUrl: false }, category: 'service', templateFallback: null };
    expect(templatesOfFlow(flow(text))).toEqual([]);
    expect(templateCategoryIssues(flow(text), registry)).toEqual([]);
  });

  it('reads only the templates the flow sends', () => {
    expect(templatesOfFlow(flow(sendTemplate('coupon_10', 'utility')))).toEqual(['coupon_10']);
  });
});
