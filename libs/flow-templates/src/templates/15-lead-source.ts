import { buildFlow, type FlowTemplate } from '../flow-template';

export const leadSourceTemplate: FlowTemplate = {
  id: 'lead-source',
  number: 15,
  name: 'Lead source: WhatsApp',
  description: 'A first contact arriving on WhatsApp gets lead source = WhatsApp and an opportunity in the CRM.',
  adjust: ['The opportunity stage'],
  document: buildFlow(
    [
      { id: 'new-contact', type: 'trigger.contact_event', config: { change: 'created' }, at: [0, 0] },
      {
        id: 'from-whatsapp',
        type: 'condition.if',
        label: 'Came from WhatsApp',
        config: { rule: { '==': [{ var: 'event.source' }, 'whatsapp'] } },
        at: [0, 1],
      },
      { id: 'source', type: 'contact.set_field', config: { field: 'lead_source', value: 'WhatsApp' }, at: [0, 2] },
      {
        id: 'opportunity',
        type: 'crm.create_opportunity',
        config: {
          title: 'WhatsApp lead: {{ contact.display_name | "new contact" }}',
          stage: 'new',
          amount: '',
          currency: '',
          source: 'WhatsApp',
        },
        at: [0, 3],
      },
    ],
    [
      ['new-contact', 'next', 'from-whatsapp'],
      ['from-whatsapp', 'true', 'source'],
      ['source', 'next', 'opportunity'],
    ],
    { oncePerContact: true },
  ),
};
