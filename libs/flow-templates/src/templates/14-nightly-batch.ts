import { buildFlow, type FlowTemplate } from '../flow-template';

export const nightlyBatchTemplate: FlowTemplate = {
  id: 'nightly-batch',
  number: 14,
  name: 'Nightly: unanswered conversations to follow up',
  description: 'At 02:00, every conversation still waiting for our answer is tagged "follow-up" and gets a task for the morning.',
  adjust: ['The time and time zone', 'How long a conversation must have waited'],
  document: buildFlow(
    [
      {
        id: 'at-two',
        type: 'trigger.schedule',
        config: {
          cron: '0 2 * * *',
          timeZone: 'Europe/Rome',
          audience: { tags: [], excludeTags: [], list: null, unansweredForHours: 1 },
          catchUpHours: 6,
        },
        at: [0, 0],
      },
      { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['follow-up'] }, at: [0, 1] },
      {
        id: 'task',
        type: 'crm.create_task',
        config: {
          title: 'Answer {{ contact.display_name | "a customer" }}',
          notes: 'Waiting for an answer since {{ contact.last_inbound_at | ago }}.',
          dueInHours: 8,
          assignTo: 'contact_owner',
          userId: null,
        },
        at: [0, 2],
      },
    ],
    [
      ['at-two', 'next', 'tag'],
      ['tag', 'next', 'task'],
    ],
  ),
};
