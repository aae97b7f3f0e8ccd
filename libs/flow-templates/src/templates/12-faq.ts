import { buildFlow, type FlowTemplate } from '../flow-template';

export const faqTemplate: FlowTemplate = {
  id: 'faq',
  number: 12,
  name: 'FAQ quick replies',
  description: 'Questions about shipping and returns get predefined answers right away.',
  adjust: ['The answers', 'The keyword lists (workspace intents)'],
  document: buildFlow(
    [
      { id: 'question', type: 'trigger.inbound_message', config: { match: 'any' }, at: [0, 0] },
      {
        id: 'shipping',
        type: 'condition.if',
        label: 'About shipping',
        config: { rule: { intent: [{ var: 'event.text' }, 'shipping'] } },
        at: [0, 1],
      },
      {
        id: 'answer-shipping',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'We ship in 1-2 working days; delivery takes 2-4 days. Shipping is free over 50 EUR.',
            previewUrl: false,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [1, 1],
      },
      {
        id: 'returns',
        type: 'condition.if',
        label: 'About returns',
        config: { rule: { intent: [{ var: 'event.text' }, 'returns'] } },
        at: [0, 2],
      },
      {
        id: 'answer-returns',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'You can return any item within 30 days, free of charge: reply RETURN and we send you the label.',
            previewUrl: false,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [1, 2],
      },
    ],
    [
      ['question', 'next', 'shipping'],
      ['shipping', 'true', 'answer-shipping'],
      ['shipping', 'false', 'returns'],
      ['returns', 'true', 'answer-returns'],
    ],
    { reentry: 'parallel' },
  ),
};
