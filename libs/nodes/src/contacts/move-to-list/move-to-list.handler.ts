import { defineStepHandler } from '@parley/node-sdk';
import { moveToListDefinition } from './move-to-list.definition';

export const moveToListHandler = defineStepHandler(moveToListDefinition, {
  execute: async ({ config, services }) => {
    const { previous } = await services.contact.moveToList(config.list);
    return { outcome: 'continue', output: 'next', data: { list: config.list, previous } };
  },
});
