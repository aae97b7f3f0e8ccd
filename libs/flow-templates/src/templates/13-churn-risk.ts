import { buildFlow, type FlowTemplate } from '../flow-template';

export const churnRiskTemplate: FlowTemplate = {
  id: 'churn-risk',
  number: 13,
  name: 'Churn risk: fewer chats, unhappy tone',
  description:
    'Weekly: customers whose chats dropped from about 3 a week to 1 and whose last conversation sounded unhappy (sentiment below 0.3) get a 15% win-back code.',
  adjust: ['The thresholds', 'The win-back template'],
  document: buildFlow(
    [
      {
        id: 'weekly',
        type: 'trigger.schedule',
        config: {
          cron: '0 10 * * 2',
          timeZone: 'Europe/Rome',
          audience: { tags: [], excludeTags: ['win-back-sent'], list: null, unansweredForHours: null },
          catchUpHours: 12,
        },
        at: [0, 0],
      },
      {
        id: 'at-risk',
        type: 'condition.if',
        label: 'Was ~3/week, now ≤1, unhappy',
        config: {
          rule: {
            and: [
              { '<=': [{ events_count: [{ type: 'message.received' }, '7d'] }, 1] },
              { '>=': [{ events_count: [{ type: 'message.received' }, '21d', '7d'] }, 7] },
              { '<': [{ conversation_sentiment: [] }, 0.3] },
            ],
          },
        },
        at: [0, 1],
      },
      {
        id: 'coupon',
        type: 'coupon.generate',
        config: { campaign: 'win-back-15', prefix: 'COMEBACK', percentOff: 15, amountOff: null, currency: '', validDays: 30 },
        at: [0, 2],
      },
      {
        id: 'win-back',
        type: 'whatsapp.send_message',
        config: {
          message: {
            type: 'template',
            template: {
              name: 'win_back_15',
              language: 'en',
              headerFormat: 'none',
              headerParameter: null,
              bodyParameters: ['{{ contact.first_name | "there" }}', '{{ vars.coupon_code }}'],
              buttonParameters: [],
            },
          },
          category: 'marketing',
          templateFallback: null,
        },
        at: [0, 3],
      },
      { id: 'mark', type: 'contact.tag', config: { action: 'add', tags: ['win-back-sent'] }, at: [0, 4] },
    ],
    [
      ['weekly', 'next', 'at-risk'],
      ['at-risk', 'true', 'coupon'],
      ['coupon', 'next', 'win-back'],
      ['win-back', 'next', 'mark'],
    ],
  ),
};
