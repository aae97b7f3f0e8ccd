import { buildFlow, type FlowTemplate } from '../flow-template';

export const noOrderAfterInterestTemplate: FlowTemplate = {
  id: 'no-order-after-interest',
  number: 4,
  name: 'No order 72 h after a product click',
  description:
    'When a customer clicks a product link and does not order within 72 hours, send a follow-up with a 10% code; an order meanwhile ends the flow.',
  adjust: ['The follow-up template', 'The wait (72 h)'],
  document: buildFlow(
    [
      {
        id: 'clicked',
        type: 'trigger.crm_event',
        config: { eventType: 'link.clicked', stage: '' },
        label: 'Clicked a product link',
        at: [0, 0],
      },
      {
        id: 'order-72h',
        type: 'timing.wait_for_event',
        config: { eventType: 'order.created', filter: {}, timeout: { amount: 72, unit: 'hours' } },
        label: 'Order within 72 h?',
        at: [0, 1],
      },
      { id: 'thanks', type: 'contact.tag', config: { action: 'add', tags: ['converted-after-click'] }, at: [-1, 2] },
      {
        id: 'coupon',
        type: 'coupon.generate',
        config: { campaign: 'click-follow-up-10', prefix: 'BACK', percentOff: 10, amountOff: null, currency: '', validDays: 7 },
        at: [1, 2],
      },
      {
        id: 'follow-up',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'Still thinking about it, {{ contact.first_name | "there" }}? Here is 10% off for the next 7 days: {{ vars.coupon_code }}',
            previewUrl: false,
          },
          category: 'marketing',
          templateFallback: {
            name: 'click_follow_up',
            language: 'en',
            headerFormat: 'none',
            headerParameter: null,
            bodyParameters: ['{{ contact.first_name | "there" }}', '{{ vars.coupon_code }}'],
            buttonParameters: [],
          },
        },
        at: [1, 3],
      },
    ],
    [
      ['clicked', 'next', 'order-72h'],
      ['order-72h', 'received', 'thanks'],
      ['order-72h', 'timeout', 'coupon'],
      ['coupon', 'next', 'follow-up'],
    ],
  ),
};
