import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

const keywordMatch = z.object({
  match: z.literal('keyword'),
  keywords: z
    .array(z.string().trim().min(1).max(100))
    .min(1)
    .max(50)
    .meta({ title: 'Keywords', description: 'Any of these words starts the flow.' }),
  mode: z
    .enum(['contains', 'exact', 'starts_with'])
    .default('contains')
    .meta({ title: 'How the text must match' }),
  caseSensitive: z.boolean().default(false).meta({ title: 'Case sensitive' }),
});

const anyMatch = z.object({ match: z.literal('any') });

export const inboundMessageConfigSchema = z.discriminatedUnion('match', [anyMatch, keywordMatch]);
export type InboundMessageConfig = z.infer<typeof inboundMessageConfigSchema>;

export const inboundMessageDefinition = defineNode<InboundMessageConfig>({
  type: 'trigger.inbound_message',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Message received',
  description: 'Starts when a customer sends a WhatsApp message, optionally only when it contains a keyword.',
  synonyms: ['inbound', 'incoming', 'keyword', 'text', 'messaggio ricevuto', 'wiadomość'],
  configSchema: inboundMessageConfigSchema,
  defaultConfig: { match: 'any' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({
    wamid: z.string(),
    messageType: z.string(),
    text: z.string().nullable(),
  }),
  sampleData: { wamid: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg', messageType: 'text', text: 'How much is it?' },
});
