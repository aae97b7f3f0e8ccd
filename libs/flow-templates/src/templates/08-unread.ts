import { buildFlow, type FlowTemplate } from '../flow-template';

export const unreadTemplate: FlowTemplate = {
  id: 'unread',
  number: 8,
  name: 'Unread for 24 h: lower the priority',
  description: 'When a business message is not read within 24 hours, the customer’s priority in the CRM drops to low.',
  adjust: ['The number of hours'],
  document: buildFlow(
    [
      { id: 'not-read', type: 'trigger.message_status', config: { status: 'not_read', hours: 24 }, at: [0, 0] },
      { id: 'priority', type: 'contact.set_field', config: { field: 'priority', value: 'low' }, at: [0, 1] },
    ],
    [['not-read', 'next', 'priority']],
  ),
};
