import { buildFlow, type FlowTemplate } from '../flow-template';

export const priceObjectionTemplate: FlowTemplate = {
  id: 'price-objection',
  number: 6,
  name: 'Price objection: "too expensive" twice in a row',
  description: 'When a customer says it is too expensive twice in a row, explain the instalment plan.',
  adjust: ['The instalment plan text'],
  document: buildFlow(
    [
      { id: 'too-expensive', type: 'trigger.inbound_message', config: { match: 'intent', intent: 'too_expensive' }, at: [0, 0] },
      {
        id: 'twice',
        type: 'condition.if',
        label: 'Twice in a row',
        config: { rule: { consecutive: [{ intent: 'too_expensive' }, 2] } },
        at: [0, 1],
      },
      {
        id: 'instalments',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'buttons',
            header: '',
            body: 'We hear you, {{ contact.first_name | "" }}. You can pay in 3 interest-free instalments: no extra cost, first payment at delivery. Want the details?',
            footer: '',
            buttons: [
              { id: 'instalments-yes', title: 'Yes, tell me more' },
              { id: 'instalments-no', title: 'No, thanks' },
            ],
          },
          category: 'service',
          templateFallback: null,
        },
        at: [0, 2],
      },
    ],
    [
      ['too-expensive', 'next', 'twice'],
      ['twice', 'true', 'instalments'],
    ],
  ),
};
