import { CRM_EVENT_TYPES, defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const crmEventConfigSchema = z.object({
  eventType: z.enum(CRM_EVENT_TYPES).meta({ title: 'When this happens in the CRM or shop' }),
  /** deal.stage_changed: only this stage (empty: any). */
  stage: z.string().trim().max(100).default('').meta({ title: 'Only for deal stage (deal events)' }),
});
export type CrmEventConfig = z.infer<typeof crmEventConfigSchema>;

export const crmEventDefinition = defineNode<CrmEventConfig>({
  type: 'trigger.crm_event',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'CRM or shop event',
  description:
    'Starts on an order (created, paid, shipped), a deal stage change, a store visit or a link click reported by a CRM, a shop or a connector.',
  synonyms: ['order', 'purchase', 'deal', 'stage', 'shipped', 'ordine', 'acquisto', 'spedito', 'zamówienie', 'wysłane'],
  configSchema: crmEventConfigSchema,
  defaultConfig: { eventType: 'order.created', stage: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({
    orderId: z.string().nullable(),
    status: z.string().nullable(),
    total: z.number().nullable(),
    currency: z.string().nullable(),
    trackingUrl: z.string().nullable(),
    dealId: z.string().nullable(),
    stage: z.string().nullable(),
    previousStage: z.string().nullable(),
    reference: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  }),
  sampleData: {
    orderId: 'A-1042',
    status: 'paid',
    total: 129.9,
    currency: 'EUR',
    trackingUrl: null,
    dealId: null,
    stage: null,
    previousStage: null,
    reference: null,
    data: {},
  },
});
