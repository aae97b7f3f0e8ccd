import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const handOverConfigSchema = z.object({
  note: z
    .string()
    .max(1000)
    .default('')
    .meta({ title: 'Note for the team', description: 'Shown in the conversation and in the notification.', widget: 'message-text' }),
});
export type HandOverConfig = z.infer<typeof handOverConfigSchema>;

export const handOverDefinition = defineNode<HandOverConfig>({
  type: 'agent.hand_over',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Hand over to a human',
  description: 'Gives the conversation to the support team: it leaves the bot (pending → open) and the team is notified.',
  synonyms: ['handover', 'hand over', 'human', 'agent', 'escalate', 'operatore', 'passa a un umano', 'konsultant', 'przekaż'],
  configSchema: handOverConfigSchema,
  defaultConfig: { note: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ conversationId: z.string().nullable(), opened: z.boolean() }),
  sampleData: { conversationId: null, opened: true },
  sideEffect: true,
});
