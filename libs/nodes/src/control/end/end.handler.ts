import { defineStepHandler } from '@parley/node-sdk';
import { endDefinition } from './end.definition';

export const endHandler = defineStepHandler(endDefinition, {
  execute: async () => ({ outcome: 'end', data: {} }),
});
