import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const assignAgentConfigSchema = z.object({
  userId: z.uuid().nullable().meta({ title: 'Agent', description: 'Empty to unassign.', widget: 'user' }),
  notify: z.boolean().default(true).meta({ title: 'Notify the agent' }),
  note: z.string().max(1000).default('').meta({ title: 'Note for the agent', widget: 'message-text' }),
});
export type AssignAgentConfig = z.infer<typeof assignAgentConfigSchema>;

export const assignAgentDefinition = defineNode<AssignAgentConfig>({
  type: 'agent.assign',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Assign to an agent',
  description: 'Makes an agent responsible for the contact, and tells them.',
  synonyms: ['assign', 'owner', 'sales rep', 'handover', 'assegna', 'operatore', 'przypisz', 'konsultant'],
  configSchema: assignAgentConfigSchema,
  defaultConfig: { userId: null, notify: true, note: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ userId: z.string().nullable() }),
  sampleData: { userId: null },
  sideEffect: true,
});
