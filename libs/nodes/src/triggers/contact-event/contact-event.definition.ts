import { contactEventPayloadSchema, defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const contactEventConfigSchema = z.discriminatedUnion('change', [
  z.object({ change: z.literal('created').meta({ title: 'When a contact is' }) }),
  z.object({
    change: z.enum(['tag_added', 'tag_removed']).meta({ title: 'When a contact is' }),
    tag: z.string().trim().max(100).default('').meta({ title: 'Tag (empty: any tag)' }),
  }),
  z.object({
    change: z.literal('field_changed').meta({ title: 'When a contact is' }),
    field: z.string().trim().max(100).default('').meta({ title: 'Field (empty: any field)' }),
  }),
]);
export type ContactEventConfig = z.infer<typeof contactEventConfigSchema>;

export const contactEventDefinition = defineNode<ContactEventConfig>({
  type: 'trigger.contact_event',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Contact changed',
  description: 'Starts when a contact is created, gets or loses a tag, or has a field changed.',
  synonyms: ['new contact', 'lead', 'tag', 'field', 'nuovo contatto', 'etichetta', 'nowy kontakt', 'tag dodany'],
  configSchema: contactEventConfigSchema,
  defaultConfig: { change: 'created' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: contactEventPayloadSchema,
  sampleData: { tag: 'vip', field: null, source: 'flow', oldValue: null, newValue: null },
});
