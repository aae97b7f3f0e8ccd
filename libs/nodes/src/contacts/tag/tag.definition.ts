import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const tagConfigSchema = z.object({
  action: z.enum(['add', 'remove']).meta({ title: 'Add or remove' }),
  tags: z.array(z.string().trim().min(1).max(100)).min(1).max(20).meta({ title: 'Tags', widget: 'tags' }),
});
export type TagConfig = z.infer<typeof tagConfigSchema>;

export const tagDefinition = defineNode<TagConfig>({
  type: 'contact.tag',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Add or remove tags',
  description: 'Adds tags to the contact or removes them (e.g. "price-sensitive", "store search").',
  synonyms: ['tag', 'label', 'segment', 'etichetta', 'tagga', 'etykieta', 'oznacz'],
  configSchema: tagConfigSchema,
  defaultConfig: { action: 'add', tags: ['interested'] },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ changed: z.array(z.string()) }),
  sampleData: { changed: ['interested'] },
  sideEffect: true,
});
