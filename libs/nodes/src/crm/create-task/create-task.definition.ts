import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const createTaskConfigSchema = z.object({
  title: z.string().trim().min(1).max(200).meta({ title: 'Task', widget: 'message-text' }),
  notes: z.string().max(2000).default('').meta({ title: 'Notes', widget: 'message-text' }),
  dueInHours: z
    .number()
    .min(0)
    .max(24 * 365)
    .nullable()
    .default(24)
    .meta({ title: 'Due in (hours)' }),
  assignTo: z.enum(['contact_owner', 'user', 'nobody']).default('contact_owner').meta({ title: 'For' }),
  userId: z.uuid().nullable().default(null).meta({ title: 'Agent (when "user")', widget: 'user' }),
});
export type CreateTaskConfig = z.infer<typeof createTaskConfigSchema>;

export const createTaskDefinition = defineNode<CreateTaskConfig>({
  type: 'crm.create_task',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Create task',
  description: 'Creates a follow-up task for the sales rep or an agent (e.g. "call back this week").',
  synonyms: ['task', 'todo', 'reminder', 'follow-up', 'compito', 'promemoria', 'zadanie', 'przypomnienie'],
  configSchema: createTaskConfigSchema,
  defaultConfig: {
    title: 'Follow up with {{ contact.display_name | "the customer" }}',
    notes: '',
    dueInHours: 24,
    assignTo: 'contact_owner',
    userId: null,
  },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ taskId: z.string(), store: z.string() }),
  sampleData: { taskId: '6f1c2e4a-0000-4000-8000-000000000002', store: 'built_in' },
  sideEffect: true,
  defaultRetry: { retries: 3, delaySeconds: 300, backoff: 'fixed' },
  validate: (config) =>
    config.assignTo === 'user' && config.userId === null
      ? [{ code: 'invalid_config', field: 'userId', message: 'userId: choose the agent' }]
      : [],
});
