import { buildFlow, type FlowTemplate } from '../flow-template';

export const autoTaggingTemplate: FlowTemplate = {
  id: 'auto-tagging',
  number: 9,
  name: 'Auto-tagging by keywords',
  description: 'Tags conversations "quote" or "complaint" by keywords, and "price-sensitive" once discounts came up more than 3 times.',
  adjust: ['The keyword lists (workspace intents)', 'The tags'],
  document: buildFlow(
    [
      { id: 'any-message', type: 'trigger.inbound_message', config: { match: 'any' }, at: [0, 0] },
      {
        id: 'is-quote',
        type: 'condition.if',
        label: 'Asks for a quote',
        config: { rule: { intent: [{ var: 'event.text' }, 'quote'] } },
        at: [0, 1],
      },
      { id: 'tag-quote', type: 'contact.tag', config: { action: 'add', tags: ['quote'] }, at: [1, 1] },
      {
        id: 'is-complaint',
        type: 'condition.if',
        label: 'Complains',
        config: { rule: { intent: [{ var: 'event.text' }, 'complaint'] } },
        at: [0, 2],
      },
      { id: 'tag-complaint', type: 'contact.tag', config: { action: 'add', tags: ['complaint'] }, at: [1, 2] },
      {
        id: 'discounts',
        type: 'condition.if',
        label: 'Discount mentioned 4+ times',
        config: { rule: { '>': [{ events_count: [{ intent: 'discount' }, 'all'] }, 3] } },
        at: [0, 3],
      },
      { id: 'tag-price-sensitive', type: 'contact.tag', config: { action: 'add', tags: ['price-sensitive'] }, at: [1, 3] },
    ],
    [
      ['any-message', 'next', 'is-quote'],
      ['is-quote', 'true', 'tag-quote'],
      ['is-quote', 'false', 'is-complaint'],
      ['tag-quote', 'next', 'is-complaint'],
      ['is-complaint', 'true', 'tag-complaint'],
      ['is-complaint', 'false', 'discounts'],
      ['tag-complaint', 'next', 'discounts'],
      ['discounts', 'true', 'tag-price-sensitive'],
    ],
    { reentry: 'parallel' },
  ),
};
