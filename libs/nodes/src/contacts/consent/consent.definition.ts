import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const consentConfigSchema = z.object({
  kind: z.enum(['marketing', 'transactional']).meta({
    title: 'Consent to',
    description: 'Marketing (offers, promotions) or notifications (order updates, reminders): they are kept apart.',
  }),
  value: z.enum(['opted_in', 'opted_out']).meta({ title: 'The contact', description: 'Opted in (said yes) or opted out (said no).' }),
});
export type ConsentConfig = z.infer<typeof consentConfigSchema>;

export const consentDefinition = defineNode<ConsentConfig>({
  type: 'contact.consent',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Record consent',
  description:
    'Records that the contact agreed to (or refused) marketing messages or notifications, e.g. after they tapped "Yes, send me offers". Marketing templates need this opt-in.',
  synonyms: ['opt-in', 'opt in', 'opt-out', 'consent', 'subscribe', 'unsubscribe', 'gdpr', 'consenso', 'iscrizione', 'zgoda', 'zapis'],
  configSchema: consentConfigSchema,
  defaultConfig: { kind: 'marketing', value: 'opted_in' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ kind: z.enum(['marketing', 'transactional']), value: z.enum(['opted_in', 'opted_out']), changed: z.boolean() }),
  sampleData: { kind: 'marketing', value: 'opted_in', changed: true },
  sideEffect: true,
});
