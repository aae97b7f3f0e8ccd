import { buildFlow, type FlowTemplate } from '../flow-template';

export const sendRetriesTemplate: FlowTemplate = {
  id: 'send-retries',
  number: 16,
  name: 'Order confirmation with retries and CRM sync',
  description:
    'Confirms a paid order on WhatsApp (a failed send is retried twice when WhatsApp says it may pass; the error code is logged) and syncs it to an external CRM, retrying 3 times 5 minutes apart before alerting an admin.',
  adjust: ['The confirmation template', 'The CRM URL and credentials'],
  document: buildFlow(
    [
      { id: 'paid', type: 'trigger.crm_event', config: { eventType: 'order.paid', stage: '' }, at: [0, 0] },
      {
        id: 'confirm',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'template',
            template: {
              name: 'order_confirmation',
              language: 'en',
              headerFormat: 'none',
              headerParameter: null,
              bodyParameters: ['{{ contact.first_name | "there" }}', '{{ event.orderId }}'],
              buttonParameters: [],
            },
          },
          category: 'utility',
          templateFallback: null,
        },
        at: [0, 1],
        retry: { retries: 2, delaySeconds: 30, backoff: 'exponential' },
      },
      {
        id: 'crm-sync',
        type: 'http.request',
        label: 'Sync to the CRM',
        config: {
          method: 'POST',
          url: 'https://crm.example.com/api/orders',
          headers: [{ name: 'Authorization', value: 'Bearer YOUR-CRM-TOKEN' }],
          body: '{"order":"{{ event.orderId }}","phone":"{{ contact.phone }}","total":"{{ event.total }}"}',
          timeoutSeconds: 10,
        },
        at: [0, 2],
        retry: { retries: 3, delaySeconds: 300, backoff: 'fixed' },
      },
      {
        id: 'alert',
        type: 'agent.notify',
        config: {
          recipient: 'admins',
          userId: null,
          title: 'CRM sync failed for order {{ event.orderId }}',
          body: 'Retried 3 times, 5 minutes apart.',
        },
        at: [1, 3],
      },
    ],
    [
      ['paid', 'next', 'confirm'],
      ['confirm', 'next', 'crm-sync'],
      ['confirm', 'error', 'crm-sync'],
      ['crm-sync', 'error', 'alert'],
    ],
  ),
};
