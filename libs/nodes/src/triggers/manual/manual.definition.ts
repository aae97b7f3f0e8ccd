import { defineNode, flowScopedPayloadSchema } from '@parley/flow-core';
import { z } from 'zod';

export const manualConfigSchema = z.object({});
export type ManualConfig = z.infer<typeof manualConfigSchema>;

export const manualDefinition = defineNode<ManualConfig>({
  type: 'trigger.manual',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Run by hand',
  description: 'Starts when someone runs the flow for a contact from the app or the API (also used for tests).',
  synonyms: ['manual', 'test', 'run now', 'button', 'manuale', 'ręcznie'],
  configSchema: manualConfigSchema,
  defaultConfig: {},
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: flowScopedPayloadSchema,
  sampleData: { flowId: '00000000-0000-4000-8000-000000000000', data: {} },
});
