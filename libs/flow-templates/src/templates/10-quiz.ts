import { buildFlow, type FlowTemplate, type NodeSpec } from '../flow-template';

interface Question {
  id: string;
  text: string;
  kind: 'buttons' | 'list';
  options: [string, string][];
}

const QUESTIONS: Question[] = [
  {
    id: 'q1',
    text: 'Which style do you like most?',
    kind: 'buttons',
    options: [
      ['modern', 'Modern'],
      ['classic', 'Classic'],
      ['rustic', 'Rustic'],
    ],
  },
  {
    id: 'q2',
    text: 'Which room are you furnishing?',
    kind: 'buttons',
    options: [
      ['living', 'Living room'],
      ['bedroom', 'Bedroom'],
      ['office', 'Office'],
    ],
  },
  {
    id: 'q3',
    text: 'Do you have pets?',
    kind: 'buttons',
    options: [
      ['pets-yes', 'Yes'],
      ['pets-no', 'No'],
    ],
  },
  {
    id: 'q4',
    text: 'Your budget?',
    kind: 'list',
    options: [
      ['budget-low', 'Up to 500'],
      ['budget-mid', '500 to 1500'],
      ['budget-high', 'Over 1500'],
    ],
  },
  {
    id: 'q5',
    text: 'Favourite colour family?',
    kind: 'list',
    options: [
      ['warm', 'Warm'],
      ['cool', 'Cool'],
      ['neutral', 'Neutral'],
    ],
  },
];

function questionConfig(question: Question): Record<string, unknown> {
  const message =
    question.kind === 'buttons'
      ? {
          type: 'buttons',
          header: '',
          body: question.text,
          footer: 'Quiz',
          buttons: question.options.map(([id, title]) => ({ id, title })),
        }
      : {
          type: 'list',
          header: '',
          body: question.text,
          footer: 'Quiz',
          buttonText: 'Choose',
          sections: [{ title: '', rows: question.options.map(([id, title]) => ({ id, title, description: '' })) }],
        };
  return { message, category: 'service', templateFallback: null };
}

const questionNodes = QUESTIONS.flatMap((q, index): NodeSpec[] => [
  { id: `${q.id}-ask`, type: 'whatsapp.send_message', label: `Question ${index + 1}`, config: questionConfig(q), at: [0, 1 + index * 2] },
  {
    id: `${q.id}-answer`,
    type: 'timing.wait_for_event',
    label: `Answer ${index + 1}`,
    config: { eventType: 'message.received', filter: {}, timeout: { amount: 24, unit: 'hours' } },
    at: [0, 2 + index * 2],
  },
]);

const questionEdges = QUESTIONS.flatMap((q, index): [string, string, string][] => {
  const next = QUESTIONS[index + 1];
  return [
    [`${q.id}-ask`, 'next', `${q.id}-answer`],
    [`${q.id}-answer`, 'received', next ? `${next.id}-ask` : 'recommend'],
  ];
});

export const quizTemplate: FlowTemplate = {
  id: 'quiz',
  number: 10,
  name: 'Quiz: 5 questions, 3 products, then a free sample',
  description:
    'A 5-question quiz with buttons and lists recommends 3 products; without a purchase in 48 hours, the customer gets a free-sample link.',
  adjust: ['The questions and answers', 'The product rules', 'The free-sample link'],
  document: buildFlow(
    [
      {
        id: 'start-quiz',
        type: 'trigger.inbound_message',
        config: { match: 'keyword', keywords: ['quiz'], mode: 'contains', caseSensitive: false },
        at: [0, 0],
      },
      ...questionNodes,
      {
        id: 'recommend',
        type: 'data.set_variable',
        label: 'Pick 3 products',
        config: {
          mode: 'expression',
          name: 'recommendation',
          expression: {
            if: [
              { '==': [{ var: 'steps.q1-answer.event.replyId' }, 'modern'] },
              {
                if: [
                  { '==': [{ var: 'steps.q4-answer.event.replyId' }, 'budget-high'] },
                  'Oslo sofa, Nord lamp, Linea rug',
                  'Pixel chair, Nord lamp, Loop shelf',
                ],
              },
              { '==': [{ var: 'steps.q1-answer.event.replyId' }, 'classic'] },
              'Windsor armchair, Brass lamp, Persian rug',
              {
                if: [
                  { '==': [{ var: 'steps.q3-answer.event.replyId' }, 'pets-yes'] },
                  'Oak bench, Wool throw, Tough rug',
                  'Oak table, Linen throw, Jute rug',
                ],
              },
            ],
          },
        },
        at: [0, 11],
      },
      {
        id: 'send-recommendation',
        type: 'whatsapp.send_message',
        config: {
          message: { type: 'text', text: 'Thanks for playing! We recommend: {{ vars.recommendation }}.', previewUrl: false },
          category: 'service',
          templateFallback: null,
        },
        at: [0, 12],
      },
      {
        id: 'purchase-48h',
        type: 'timing.wait_for_event',
        config: { eventType: 'order.created', filter: {}, timeout: { amount: 48, unit: 'hours' } },
        at: [0, 13],
      },
      {
        id: 'free-sample',
        type: 'whatsapp.send_message',
        config: {
          message: { type: 'text', text: 'Not sure yet? Get a free fabric sample: https://shop.example.com/samples', previewUrl: true },
          category: 'marketing',
          templateFallback: {
            name: 'free_sample',
            language: 'en',
            headerFormat: 'none',
            headerParameter: null,
            bodyParameters: [],
            buttonParameters: [],
          },
        },
        at: [1, 14],
      },
    ],
    [
      ['start-quiz', 'next', 'q1-ask'],
      ...questionEdges,
      ['recommend', 'next', 'send-recommendation'],
      ['send-recommendation', 'next', 'purchase-48h'],
      ['purchase-48h', 'timeout', 'free-sample'],
    ],
  ),
};
