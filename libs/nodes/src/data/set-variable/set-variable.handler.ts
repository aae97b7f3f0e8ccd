import { defineStepHandler } from '@parley/node-sdk';
import { setVariableDefinition } from './set-variable.definition';

export const setVariableHandler = defineStepHandler(setVariableDefinition, {
  execute: async ({ config, services }) => {
    const value = config.mode === 'text' ? await services.render(config.value) : await services.conditions.compute(config.expression);
    return { outcome: 'continue', output: 'next', data: { name: config.name, value }, vars: { [config.name]: value } };
  },
});
