import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const moveToListConfigSchema = z.object({
  list: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .nullable()
    .meta({ title: 'List', description: 'e.g. low-priority; empty to take the contact out of any list.' }),
});
export type MoveToListConfig = z.infer<typeof moveToListConfigSchema>;

export const moveToListDefinition = defineNode<MoveToListConfig>({
  type: 'contact.move_to_list',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Move to list',
  description: 'Puts the contact in a list (a contact is in at most one), e.g. "low priority" for inactive customers.',
  synonyms: ['list', 'segment', 'low priority', 'move', 'lista', 'sposta', 'przenieś'],
  configSchema: moveToListConfigSchema,
  defaultConfig: { list: 'low-priority' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ list: z.string().nullable(), previous: z.string().nullable() }),
  sampleData: { list: 'low-priority', previous: null },
  sideEffect: true,
});
