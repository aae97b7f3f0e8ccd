import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const findContactConfigSchema = z.object({
  phone: z.string().trim().min(1).max(200).default('{{ contact.phone }}').meta({ title: 'Number (E.164)', widget: 'message-text' }),
});
export type FindContactConfig = z.infer<typeof findContactConfigSchema>;

export const findContactDefinition = defineNode<FindContactConfig>({
  type: 'crm.find_contact',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Find contact',
  description: 'Looks the number up in the CRM (the connected one, or Parley’s contacts) and goes on by whether it is there.',
  synonyms: ['lookup', 'search', 'crm', 'customer', 'cerca', 'cliente', 'szukaj', 'klient'],
  configSchema: findContactConfigSchema,
  defaultConfig: { phone: '{{ contact.phone }}' },
  outputs: [
    { name: 'found', label: 'Found' },
    { name: 'not_found', label: 'Not found' },
  ],
  outputSchema: z.object({
    store: z.string(),
    found: z.boolean(),
    id: z.string().nullable(),
    type: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  sampleData: {
    store: 'hubspot',
    found: true,
    id: '51',
    type: 'contacts',
    firstName: 'Giulia',
    lastName: 'Rossi',
    email: 'giulia@example.com',
    phone: '+393331234567',
  },
  sideEffect: false,
  defaultRetry: { retries: 3, delaySeconds: 60, backoff: 'exponential' },
});
