import { defineNode, logicRuleProblems } from '@parley/flow-core';
import { z } from 'zod';

export const conditionConfigSchema = z.object({
  rule: z
    .record(z.string(), z.unknown())
    .meta({ title: 'Condition', description: 'Built with the condition builder; stored as JSONLogic.', widget: 'condition-builder' }),
});
export type ConditionConfig = z.infer<typeof conditionConfigSchema>;

export const conditionDefinition = defineNode<ConditionConfig>({
  type: 'condition.if',
  version: 1,
  kind: 'condition',
  category: 'Conditions',
  displayName: 'If / else',
  description:
    'Goes one way or the other depending on contact fields, the event, flow variables, CRM data and the contact’s behaviour over time.',
  synonyms: ['if', 'branch', 'condition', 'filter', 'behaviour', 'count', 'se', 'condizione', 'jeśli', 'warunek'],
  configSchema: conditionConfigSchema,
  defaultConfig: { rule: { '==': [{ var: 'contact.list' }, 'vip'] } },
  outputs: [
    { name: 'true', label: 'Yes' },
    { name: 'false', label: 'No' },
  ],
  outputSchema: z.object({ result: z.boolean(), values: z.record(z.string(), z.unknown()) }),
  sampleData: { result: true, values: { 'events_count({"intent":"price"},7d)': 3 } },
  logicFields: ['rule'],
  validate: (config) =>
    logicRuleProblems(config.rule).map((message) => ({ code: 'invalid_config', field: 'rule', message: `rule: ${message}` })),
});
