import { defineStepHandler } from '@parley/node-sdk';
import { setFieldDefinition } from './set-field.definition';

export const setFieldHandler = defineStepHandler(setFieldDefinition, {
  execute: async ({ config, services }) => {
    const value = await services.render(config.value);
    const { changed } = await services.contact.setField(config.field, value);
    return { outcome: 'continue', output: 'next', data: { field: config.field, value, changed } };
  },
});
