import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const setFieldConfigSchema = z.object({
  field: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower case letters, digits and "_", starting with a letter')
    .meta({ title: 'Field', description: 'A custom field such as priority or lead_source.' }),
  value: z.string().max(2000).meta({ title: 'Value', widget: 'message-text' }),
});
export type SetFieldConfig = z.infer<typeof setFieldConfigSchema>;

export const setFieldDefinition = defineNode<SetFieldConfig>({
  type: 'contact.set_field',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Set contact field',
  description: 'Writes a value into a custom field of the contact (e.g. priority = low, lead_source = WhatsApp).',
  synonyms: ['field', 'attribute', 'property', 'priority', 'lead source', 'campo', 'priorità', 'pole', 'priorytet'],
  configSchema: setFieldConfigSchema,
  defaultConfig: { field: 'priority', value: 'low' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ field: z.string(), value: z.string(), changed: z.boolean() }),
  sampleData: { field: 'priority', value: 'low', changed: true },
  sideEffect: true,
});
