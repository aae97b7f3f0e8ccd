import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const nearestStoreConfigSchema = z.object({});
export type NearestStoreConfig = z.infer<typeof nearestStoreConfigSchema>;

export const nearestStoreDefinition = defineNode<NearestStoreConfig>({
  type: 'data.nearest_store',
  version: 1,
  kind: 'action',
  category: 'Data',
  displayName: 'Find nearest store',
  description:
    'Picks the workspace store nearest to the location the contact last shared (or the first store), for replies like "our store near you".',
  synonyms: ['store', 'shop', 'branch', 'location', 'address', 'negozio', 'filiale', 'sklep', 'oddział'],
  configSchema: nearestStoreConfigSchema,
  defaultConfig: {},
  outputs: [
    { name: 'next', label: 'Found' },
    { name: 'none', label: 'No stores set up' },
  ],
  outputSchema: z.object({
    name: z.string(),
    address: z.string(),
    city: z.string(),
    hours: z.string(),
    distanceKm: z.number().nullable(),
  }),
  sampleData: { name: 'Milano Centro', address: 'Via Roma 1, Milano', city: 'Milano', hours: '9-19', distanceKm: 1.2 },
});
