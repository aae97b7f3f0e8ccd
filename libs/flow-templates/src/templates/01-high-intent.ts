import { buildFlow, type FlowTemplate } from '../flow-template';

export const highIntentTemplate: FlowTemplate = {
  id: 'high-intent',
  number: 1,
  name: 'High intent: price asked 3 times in 7 days',
  description: 'A customer who asks about price or product details 3 or more times in 7 days gets a unique 10% discount code, once.',
  adjust: ['The message text', 'The discount and the code prefix'],
  document: buildFlow(
    [
      {
        id: 'asked-price',
        type: 'trigger.inbound_message',
        config: { match: 'intent', intent: 'price' },
        label: 'Customer asks about price',
        at: [0, 0],
      },
      {
        id: 'three-times',
        type: 'condition.if',
        label: 'Asked 3+ times in 7 days, no code yet',
        config: {
          rule: { and: [{ '>=': [{ events_count: [{ intent: 'price' }, '7d'] }, 3] }, { '!': { has_tag: ['coupon-high-intent'] } }] },
        },
        at: [0, 1],
      },
      {
        id: 'coupon',
        type: 'coupon.generate',
        config: { campaign: 'high-intent-10', prefix: 'PRICE', percentOff: 10, amountOff: null, currency: '', validDays: 14 },
        at: [0, 2],
      },
      {
        id: 'send-code',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'Thanks for your interest, {{ contact.first_name | "there" }}! Here is {{ vars.coupon_discount }} off your order: {{ vars.coupon_code }} (valid 14 days).',
            previewUrl: false,
          },
          category: 'marketing',
          templateFallback: null,
        },
        at: [0, 3],
      },
      { id: 'mark', type: 'contact.tag', config: { action: 'add', tags: ['coupon-high-intent'] }, at: [0, 4] },
    ],
    [
      ['asked-price', 'next', 'three-times'],
      ['three-times', 'true', 'coupon'],
      ['coupon', 'next', 'send-code'],
      ['send-code', 'next', 'mark'],
    ],
  ),
};
