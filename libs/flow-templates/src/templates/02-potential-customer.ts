import { buildFlow, type FlowTemplate } from '../flow-template';

export const potentialCustomerTemplate: FlowTemplate = {
  id: 'potential-customer',
  number: 2,
  name: 'Potential customer: weekly follow-up task',
  description: 'Every Monday at 9:00, contacts with 1 or 2 conversations in the last 30 days get a follow-up task for their sales rep.',
  adjust: ['The day and time', 'The time zone'],
  document: buildFlow(
    [
      {
        id: 'weekly',
        type: 'trigger.schedule',
        config: {
          cron: '0 9 * * 1',
          timeZone: 'Europe/Rome',
          audience: { tags: [], excludeTags: ['customer'], list: null, unansweredForHours: null },
          catchUpHours: 12,
        },
        at: [0, 0],
      },
      {
        id: 'one-or-two',
        type: 'condition.if',
        label: '1-2 messages in 30 days',
        config: { rule: { '<=': [1, { events_count: [{ type: 'message.received' }, '30d'] }, 2] } },
        at: [0, 1],
      },
      {
        id: 'task',
        type: 'crm.create_task',
        config: {
          title: 'Weekly follow-up: {{ contact.display_name | "WhatsApp lead" }}',
          notes: 'Talked with us 1-2 times in the last 30 days.',
          dueInHours: 24,
          assignTo: 'contact_owner',
          userId: null,
        },
        at: [0, 2],
      },
    ],
    [
      ['weekly', 'next', 'one-or-two'],
      ['one-or-two', 'true', 'task'],
    ],
  ),
};
