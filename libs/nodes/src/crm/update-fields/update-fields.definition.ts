import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

const value = (title: string) => z.string().max(200).default('').meta({ title, widget: 'message-text' });

export const updateFieldsConfigSchema = z.object({
  firstName: value('First name (empty: leave)'),
  lastName: value('Last name (empty: leave)'),
  email: value('Email (empty: leave)'),
});
export type UpdateFieldsConfig = z.infer<typeof updateFieldsConfigSchema>;

export const updateFieldsDefinition = defineNode<UpdateFieldsConfig>({
  type: 'crm.update_fields',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Update CRM fields',
  description: 'Sets the contact’s names and email; a connected CRM receives the change through the sync.',
  synonyms: ['update', 'crm', 'name', 'email', 'aggiorna', 'campi', 'aktualizuj', 'pola'],
  configSchema: updateFieldsConfigSchema,
  defaultConfig: { firstName: '', lastName: '', email: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ changed: z.array(z.string()) }),
  sampleData: { changed: ['email'] },
  sideEffect: true,
  defaultRetry: { retries: 3, delaySeconds: 60, backoff: 'exponential' },
  validate: (config) =>
    config.firstName.trim() === '' && config.lastName.trim() === '' && config.email.trim() === ''
      ? [{ code: 'invalid_config', field: 'firstName', message: 'firstName: set at least one of first name, last name, email' }]
      : [],
});
