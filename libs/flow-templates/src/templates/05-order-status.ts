import { buildFlow, type FlowTemplate } from '../flow-template';

export const orderStatusTemplate: FlowTemplate = {
  id: 'order-status',
  number: 5,
  name: 'Order status: "where is my parcel?"',
  description:
    'Looks up the customer’s last order, asks the carrier for its status and replies with status, estimated delivery and tracking link.',
  adjust: ['The carrier API URL and key'],
  document: buildFlow(
    [
      {
        id: 'where',
        type: 'trigger.inbound_message',
        config: { match: 'intent', intent: 'order_status' },
        label: '"Where is my parcel?"',
        at: [0, 0],
      },
      {
        id: 'has-order',
        type: 'condition.if',
        label: 'Has an order',
        config: { rule: { '>': [{ var: 'crm.orders_count' }, 0] } },
        at: [0, 1],
      },
      {
        id: 'carrier',
        type: 'http.request',
        label: 'Ask the carrier',
        config: {
          method: 'GET',
          url: 'https://carrier.example.com/api/track/{{ crm.last_order.tracking_number }}',
          headers: [{ name: 'Accept', value: 'application/json' }],
          body: '',
          timeoutSeconds: 10,
        },
        at: [0, 2],
        retry: { retries: 2, delaySeconds: 30, backoff: 'exponential' },
      },
      {
        id: 'status-reply',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'Your order {{ crm.last_order.external_id }} is {{ steps.carrier.body.status | "on its way" }}. Expected delivery: {{ steps.carrier.body.eta | date | "soon" }}. Track it here: {{ crm.last_order.tracking_url | "we will send the link shortly" }}',
            previewUrl: true,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [0, 3],
      },
      {
        id: 'carrier-down',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'We could not reach the carrier just now; a colleague will send you the status shortly.',
            previewUrl: false,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [1, 3],
      },
      {
        id: 'tell-agent',
        type: 'agent.notify',
        config: {
          recipient: 'assigned',
          userId: null,
          title: 'Carrier lookup failed for {{ contact.display_name | "a customer" }}',
          body: 'Order {{ crm.last_order.external_id }}',
        },
        at: [1, 4],
      },
      {
        id: 'no-order',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'text',
            text: 'We could not find an order for this number. Could you send us your order number?',
            previewUrl: false,
          },
          category: 'service',
          templateFallback: null,
        },
        at: [-1, 2],
      },
    ],
    [
      ['where', 'next', 'has-order'],
      ['has-order', 'true', 'carrier'],
      ['has-order', 'false', 'no-order'],
      ['carrier', 'next', 'status-reply'],
      ['carrier', 'error', 'carrier-down'],
      ['carrier-down', 'next', 'tell-agent'],
    ],
  ),
};
