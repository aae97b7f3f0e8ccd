import { defineStepHandler } from '@parley/node-sdk';
import { handOverDefinition } from './hand-over.definition';

export const handOverHandler = defineStepHandler(handOverDefinition, {
  execute: async ({ config, services }) => {
    const result = await services.contact.handOver(await services.render(config.note));
    return { outcome: 'continue', output: 'next', data: result };
  },
});
