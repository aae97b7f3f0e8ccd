import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const messageStatusConfigSchema = z.discriminatedUnion('status', [
  z.object({ status: z.enum(['delivered', 'read', 'failed']).meta({ title: 'When a message sent to the contact is' }) }),
  z.object({
    status: z.literal('not_read').meta({ title: 'When a message sent to the contact is' }),
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24)
      .meta({ title: 'Not read within (hours)' }),
  }),
]);
export type MessageStatusConfig = z.infer<typeof messageStatusConfigSchema>;

export const messageStatusDefinition = defineNode<MessageStatusConfig>({
  type: 'trigger.message_status',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Message status changed',
  description: 'Starts when a business message to the contact is delivered, read, fails, or is not read within some hours.',
  synonyms: ['delivered', 'read', 'unread', 'failed', 'status', 'letto', 'non letto', 'przeczytana', 'nieprzeczytana'],
  configSchema: messageStatusConfigSchema,
  defaultConfig: { status: 'not_read', hours: 24 },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({
    wamid: z.string(),
    status: z.string(),
    errorCode: z.number().nullable(),
    hours: z.number().nullable(),
  }),
  sampleData: { wamid: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgS', status: 'read', errorCode: null, hours: null },
});
