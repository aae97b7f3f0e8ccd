import { defineNode, logicRuleProblems } from '@parley/flow-core';
import { z } from 'zod';

export const setVariableConfigSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('text'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower case letters, digits and "_", starting with a letter')
      .meta({ title: 'Variable' }),
    value: z.string().max(4000).meta({ title: 'Value', widget: 'message-text' }),
  }),
  z.object({
    mode: z.literal('expression'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower case letters, digits and "_", starting with a letter')
      .meta({ title: 'Variable' }),
    expression: z.unknown().meta({ title: 'Computed from', widget: 'expression' }),
  }),
]);
export type SetVariableConfig = z.infer<typeof setVariableConfigSchema>;

export const setVariableDefinition = defineNode<SetVariableConfig>({
  type: 'data.set_variable',
  version: 1,
  kind: 'action',
  category: 'Data',
  displayName: 'Set variable',
  description:
    'Stores a value for later steps of this run ({{ vars.<name> }}), from text or computed (e.g. quiz answers to a recommendation).',
  synonyms: ['variable', 'store', 'remember', 'compute', 'variabile', 'zmienna'],
  configSchema: setVariableConfigSchema,
  defaultConfig: { mode: 'text', name: 'note', value: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ name: z.string(), value: z.unknown() }),
  sampleData: { name: 'note', value: 'VIP' },
  logicFields: ['expression'],
  writesVariables: (config) => [config.name],
  validate: (config) =>
    config.mode === 'expression'
      ? logicRuleProblems(config.expression).map((m) => ({ code: 'invalid_config', field: 'expression', message: `expression: ${m}` }))
      : [],
});
