import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const createOpportunityConfigSchema = z.object({
  title: z.string().trim().min(1).max(200).meta({ title: 'Title', widget: 'message-text' }),
  stage: z.string().trim().min(1).max(100).default('new').meta({ title: 'Stage' }),
  amount: z.string().max(100).default('').meta({ title: 'Amount (number or variable)', widget: 'message-text' }),
  currency: z
    .string()
    .regex(/^([A-Z]{3})?$/, 'a currency code such as EUR')
    .default('')
    .meta({ title: 'Currency' }),
  source: z.string().trim().max(100).default('WhatsApp').meta({ title: 'Lead source' }),
});
export type CreateOpportunityConfig = z.infer<typeof createOpportunityConfigSchema>;

export const createOpportunityDefinition = defineNode<CreateOpportunityConfig>({
  type: 'crm.create_opportunity',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Create opportunity',
  description: 'Opens a sales opportunity (deal) for the contact in the CRM (the connected one, or Parley’s).',
  synonyms: ['deal', 'opportunity', 'lead', 'pipeline', 'opportunità', 'trattativa', 'szansa', 'transakcja'],
  configSchema: createOpportunityConfigSchema,
  defaultConfig: {
    title: 'WhatsApp lead: {{ contact.display_name | "new contact" }}',
    stage: 'new',
    amount: '',
    currency: '',
    source: 'WhatsApp',
  },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ opportunityId: z.string(), store: z.string() }),
  sampleData: { opportunityId: '6f1c2e4a-0000-4000-8000-000000000001', store: 'built_in' },
  sideEffect: true,
  defaultRetry: { retries: 3, delaySeconds: 300, backoff: 'fixed' },
});
