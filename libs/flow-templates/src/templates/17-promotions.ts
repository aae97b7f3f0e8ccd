import { buildFlow, type FlowTemplate } from '../flow-template';

export const promotionsTemplate: FlowTemplate = {
  id: 'promotions',
  number: 17,
  name: 'Weekly promotion: Wednesday 14:00 local time',
  description: 'Subscribers get the weekly promotion on Wednesday at 14:00 in their own time zone, at most once a week.',
  adjust: ['The promotion template', 'The audience tag'],
  document: buildFlow(
    [
      {
        id: 'monday',
        type: 'trigger.schedule',
        config: {
          cron: '0 6 * * 1',
          timeZone: 'UTC',
          audience: { tags: ['promotions'], excludeTags: [], list: null, unansweredForHours: null },
          catchUpHours: 24,
        },
        at: [0, 0],
      },
      {
        id: 'wednesday-14',
        type: 'timing.wait_until',
        config: { time: '14:00', weekdays: ['wednesday'], timeZone: 'contact' },
        label: 'Wednesday 14:00, their time',
        at: [0, 1],
      },
      {
        id: 'promo',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'template',
            template: {
              name: 'weekly_promo',
              language: 'en',
              headerFormat: 'none',
              headerParameter: null,
              bodyParameters: ['{{ contact.first_name | "there" }}'],
              buttonParameters: [],
            },
          },
          category: 'marketing',
          templateFallback: null,
        },
        at: [0, 2],
      },
    ],
    [
      ['monday', 'next', 'wednesday-14'],
      ['wednesday-14', 'next', 'promo'],
    ],
    { reentry: 'skip' },
  ),
};
