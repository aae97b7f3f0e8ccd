import { buildFlow, type FlowTemplate } from '../flow-template';

export const inactiveTemplate: FlowTemplate = {
  id: 'inactive',
  number: 3,
  name: 'Inactive: no reply for 60 days',
  description: 'Every night, contacts who have not written for more than 60 days move to the low-priority list.',
  adjust: ['The number of days', 'The list name'],
  document: buildFlow(
    [
      {
        id: 'nightly',
        type: 'trigger.schedule',
        config: {
          cron: '30 3 * * *',
          timeZone: 'Europe/Rome',
          audience: { tags: [], excludeTags: [], list: null, unansweredForHours: null },
          catchUpHours: 12,
        },
        at: [0, 0],
      },
      {
        id: 'silent-60d',
        type: 'condition.if',
        label: 'Silent for 60+ days and not yet moved',
        config: {
          rule: {
            and: [{ '>': [{ since_last: [{ type: 'message.received' }, 'd'] }, 60] }, { '!=': [{ var: 'contact.list' }, 'low-priority'] }],
          },
        },
        at: [0, 1],
      },
      { id: 'low-priority', type: 'contact.move_to_list', config: { list: 'low-priority' }, at: [0, 2] },
    ],
    [
      ['nightly', 'next', 'silent-60d'],
      ['silent-60d', 'true', 'low-priority'],
    ],
  ),
};
