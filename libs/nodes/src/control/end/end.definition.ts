import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const endConfigSchema = z.object({});
export type EndConfig = z.infer<typeof endConfigSchema>;

export const endDefinition = defineNode<EndConfig>({
  type: 'control.end',
  version: 1,
  kind: 'control',
  category: 'Control',
  displayName: 'End',
  description: 'Ends this run of the flow for the contact.',
  synonyms: ['end', 'stop', 'finish', 'fine', 'koniec'],
  configSchema: endConfigSchema,
  defaultConfig: {},
  outputs: [],
  outputSchema: z.object({}),
  sampleData: {},
});
