import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const notifyAgentConfigSchema = z.object({
  recipient: z.enum(['assigned', 'user', 'admins']).default('assigned').meta({ title: 'Who' }),
  userId: z.uuid().nullable().default(null).meta({ title: 'Agent (when "user")', widget: 'user' }),
  title: z.string().trim().min(1).max(200).meta({ title: 'Title', widget: 'message-text' }),
  body: z.string().max(2000).default('').meta({ title: 'Message', widget: 'message-text' }),
});
export type NotifyAgentConfig = z.infer<typeof notifyAgentConfigSchema>;

export const notifyAgentDefinition = defineNode<NotifyAgentConfig>({
  type: 'agent.notify',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Notify an agent',
  description: 'Sends a notification to the contact’s agent, a chosen user or the admins.',
  synonyms: ['notify', 'alert', 'agent', 'ping', 'notifica', 'avvisa', 'powiadom'],
  configSchema: notifyAgentConfigSchema,
  defaultConfig: { recipient: 'assigned', userId: null, title: 'A customer needs you', body: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ userId: z.string().nullable() }),
  sampleData: { userId: null },
  sideEffect: true,
  validate: (config) =>
    config.recipient === 'user' && config.userId === null
      ? [{ code: 'invalid_config', field: 'userId', message: 'userId: choose the agent to notify' }]
      : [],
});
