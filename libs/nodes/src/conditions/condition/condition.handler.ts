import { defineStepHandler } from '@parley/node-sdk';
import { conditionDefinition } from './condition.definition';

export const conditionHandler = defineStepHandler(conditionDefinition, {
  execute: async ({ config, services }) => {
    const { result, values } = await services.conditions.evaluate(config.rule);
    return {
      outcome: 'continue',
      output: result ? 'true' : 'false',
      data: { result, values },
      decision: { rule: config.rule, result, values },
    };
  },
});
