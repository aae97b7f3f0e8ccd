import { buildFlow, type FlowTemplate } from '../flow-template';

export const humanTakeoverTemplate: FlowTemplate = {
  id: 'human-takeover',
  number: 11,
  name: 'Human takeover on request',
  description:
    'A customer asking for a person gets an agent: automation pauses for 12 hours and the agent is notified. (An agent replying from the inbox pauses automation the same way, by itself.)',
  adjust: ['The pause length', 'Who is notified'],
  document: buildFlow(
    [
      { id: 'asks-human', type: 'trigger.inbound_message', config: { match: 'intent', intent: 'human' }, at: [0, 0] },
      {
        id: 'handing-over',
        type: 'whatsapp.send_message',
        config: {
          message: { type: 'text', text: 'Of course! A colleague will reply here shortly.', previewUrl: false },
          category: 'service',
          templateFallback: null,
        },
        at: [0, 1],
      },
      { id: 'pause', type: 'automation.pause_contact', config: { hours: 12, reason: 'Customer asked for a person' }, at: [0, 2] },
      {
        id: 'notify',
        type: 'agent.notify',
        config: {
          recipient: 'assigned',
          userId: null,
          title: '{{ contact.display_name | "A customer" }} wants to talk to a person',
          body: '{{ event.text }}',
        },
        at: [0, 3],
      },
    ],
    [
      ['asks-human', 'next', 'handing-over'],
      ['handing-over', 'next', 'pause'],
      ['pause', 'next', 'notify'],
    ],
  ),
};
