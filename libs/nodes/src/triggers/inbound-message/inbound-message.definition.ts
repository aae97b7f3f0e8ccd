import { defineNode, inboundMessagePayloadSchema } from '@parley/flow-core';
import safeRegex from 'safe-regex2';
import { z } from 'zod';

const keywordMatch = z.object({
  match: z.literal('keyword'),
  keywords: z
    .array(z.string().trim().min(1).max(100))
    .min(1)
    .max(50)
    .meta({ title: 'Keywords', description: 'Any of these words starts the flow.', widget: 'tags' }),
  mode: z.enum(['contains', 'exact', 'starts_with']).default('contains').meta({ title: 'How the text must match' }),
  caseSensitive: z.boolean().default(false).meta({ title: 'Case sensitive' }),
});

const regexMatch = z.object({
  match: z.literal('regex'),
  pattern: z.string().min(1).max(200).meta({ title: 'Regular expression', description: 'Matched against the message text.' }),
  caseSensitive: z.boolean().default(false).meta({ title: 'Case sensitive' }),
});

const intentMatch = z.object({
  match: z.literal('intent'),
  intent: z
    .string()
    .min(1)
    .max(50)
    .meta({ title: 'Intent', description: 'One of the workspace intents (e.g. price, shipping, returns).', widget: 'intent' }),
});

const replyMatch = z.object({
  match: z.enum(['button_reply', 'list_reply']),
  /** Only these button or row ids (empty: any). */
  replyIds: z.array(z.string().min(1).max(256)).max(20).default([]).meta({ title: 'Only these reply ids', widget: 'tags' }),
});

const anyMatch = z.object({ match: z.literal('any') });

export const inboundMessageConfigSchema = z.discriminatedUnion('match', [anyMatch, keywordMatch, regexMatch, intentMatch, replyMatch]);
export type InboundMessageConfig = z.infer<typeof inboundMessageConfigSchema>;

export const inboundMessageDefinition = defineNode<InboundMessageConfig>({
  type: 'trigger.inbound_message',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Message received',
  description:
    'Starts when a customer sends a WhatsApp message: any, or matching keywords, a pattern, an intent, or a button or list reply.',
  synonyms: [
    'inbound',
    'incoming',
    'keyword',
    'text',
    'intent',
    'reply',
    'messaggio ricevuto',
    'parola chiave',
    'wiadomość',
    'słowo kluczowe',
  ],
  configSchema: inboundMessageConfigSchema,
  defaultConfig: { match: 'any' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: inboundMessagePayloadSchema,
  sampleData: {
    wamid: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg',
    phoneNumberId: '106540352242922',
    messageType: 'text',
    text: 'How much is it?',
    replyId: null,
    replyKind: null,
    location: null,
  },
  validate: (config) => {
    if (config.match !== 'regex') return [];
    try {
      new RegExp(config.pattern, 'u');
    } catch (error) {
      return [
        {
          code: 'invalid_config',
          field: 'pattern',
          message: `pattern: not a valid regular expression (${error instanceof Error ? error.message : 'invalid'})`,
        },
      ];
    }
    // A pattern with nested repetition can take exponential time on some texts: refuse it before it goes live.
    return safeRegex(config.pattern)
      ? []
      : [
          {
            code: 'invalid_config',
            field: 'pattern',
            message: 'pattern: too complex (nested repetition could hang the engine); simplify it',
          },
        ];
  },
});
