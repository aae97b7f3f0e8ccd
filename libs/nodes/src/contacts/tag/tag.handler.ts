import { defineStepHandler } from '@parley/node-sdk';
import { tagDefinition } from './tag.definition';

export const tagHandler = defineStepHandler(tagDefinition, {
  execute: async ({ config, services }) => {
    const changed = config.action === 'add' ? await services.contact.addTags(config.tags) : await services.contact.removeTags(config.tags);
    return { outcome: 'continue', output: 'next', data: { changed } };
  },
});
