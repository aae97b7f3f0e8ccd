import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const lastOrderConfigSchema = z.object({});
export type LastOrderConfig = z.infer<typeof lastOrderConfigSchema>;

export const lastOrderDefinition = defineNode<LastOrderConfig>({
  type: 'crm.last_order',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Look up last order',
  description: 'Finds the contact’s latest order (status, total, tracking) for the next steps; goes on by whether there is one.',
  synonyms: ['order', 'purchase', 'tracking', 'shipping', 'ordine', 'spedizione', 'zamówienie', 'przesyłka'],
  configSchema: lastOrderConfigSchema,
  defaultConfig: {},
  outputs: [
    { name: 'found', label: 'Has an order' },
    { name: 'none', label: 'No order' },
  ],
  outputSchema: z.object({
    id: z.string(),
    externalId: z.string(),
    status: z.string(),
    total: z.number().nullable(),
    currency: z.string().nullable(),
    placedAt: z.string(),
    itemsCount: z.number(),
    trackingUrl: z.string().nullable(),
    ordersCount: z.number(),
  }),
  sampleData: {
    id: '6f1c2e4a-0000-4000-8000-000000000004',
    externalId: 'A-1001',
    status: 'shipped',
    total: 129.9,
    currency: 'EUR',
    placedAt: '2026-11-20T10:00:00.000Z',
    itemsCount: 2,
    trackingUrl: 'https://track.example.com/A-1001',
    ordersCount: 3,
  },
  sideEffect: false,
});
