import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const addNoteConfigSchema = z.object({
  text: z.string().trim().min(1).max(5000).meta({ title: 'Note', widget: 'message-text' }),
});
export type AddNoteConfig = z.infer<typeof addNoteConfigSchema>;

export const addNoteDefinition = defineNode<AddNoteConfig>({
  type: 'crm.add_note',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Add note',
  description: 'Adds a note to the contact in the CRM (the connected one, or Parley’s).',
  synonyms: ['note', 'comment', 'log', 'crm', 'nota', 'commento', 'notatka', 'komentarz'],
  configSchema: addNoteConfigSchema,
  defaultConfig: { text: 'WhatsApp: {{ event.text | "" }}' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ noteId: z.string(), store: z.string() }),
  sampleData: { noteId: '6f1c2e4a-0000-4000-8000-000000000003', store: 'built_in' },
  sideEffect: true,
  defaultRetry: { retries: 3, delaySeconds: 300, backoff: 'fixed' },
});
