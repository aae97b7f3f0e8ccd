import { buildFlow, type FlowTemplate } from '../flow-template';

export const storeVisitTemplate: FlowTemplate = {
  id: 'store-visit',
  number: 7,
  name: 'Store visit: nearest branch, then a $15 voucher',
  description:
    'A customer asking for the store address is tagged "store search" and gets the nearest branch; without a visit within 7 days, a $15 voucher.',
  adjust: ['Your stores (workspace settings)', 'The voucher amount and currency'],
  document: buildFlow(
    [
      { id: 'asks-store', type: 'trigger.inbound_message', config: { match: 'intent', intent: 'store' }, at: [0, 0] },
      { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['store search'] }, at: [0, 1] },
      { id: 'nearest', type: 'data.nearest_store', config: {}, at: [0, 2] },
      {
        id: 'tell-store',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'Our nearest store is {{ steps.nearest.name }}, {{ steps.nearest.address }} ({{ steps.nearest.hours | "open every day" }}). See you there!',
            previewUrl: false,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [0, 3],
      },
      {
        id: 'visit-7d',
        type: 'timing.wait_for_event',
        config: { eventType: 'store.visited', filter: {}, timeout: { amount: 7, unit: 'days' } },
        label: 'Visit within 7 days?',
        at: [0, 4],
      },
      {
        id: 'voucher',
        type: 'coupon.generate',
        config: { campaign: 'store-visit-15', prefix: 'VISIT', percentOff: null, amountOff: 15, currency: 'USD', validDays: 30 },
        at: [1, 5],
      },
      {
        id: 'send-voucher',
        type: 'whatsapp.send_message',
        config: {
          message: { type: 'text', text: 'We missed you! Here is a $15 voucher for your visit: {{ vars.coupon_code }}', previewUrl: false },
          category: 'marketing',
          templateFallback: {
            name: 'store_voucher',
            language: 'en',
            headerFormat: 'none',
            headerParameter: null,
            bodyParameters: ['{{ vars.coupon_code }}'],
            buttonParameters: [],
          },
        },
        at: [1, 6],
      },
    ],
    [
      ['asks-store', 'next', 'tag'],
      ['tag', 'next', 'nearest'],
      ['nearest', 'next', 'tell-store'],
      ['tell-store', 'next', 'visit-7d'],
      ['visit-7d', 'timeout', 'voucher'],
      ['voucher', 'next', 'send-voucher'],
    ],
  ),
};
