import { defineStepHandler } from '@parley/node-sdk';
import { consentDefinition } from './consent.definition';

export const consentHandler = defineStepHandler(consentDefinition, {
  execute: async ({ config, services }) => {
    const { changed } = await services.contact.setConsent(config.kind, config.value);
    return { outcome: 'continue', output: 'next', data: { kind: config.kind, value: config.value, changed } };
  },
});
