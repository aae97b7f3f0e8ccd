import { defineStepHandler } from '@parley/node-sdk';
import { updateFieldsDefinition } from './update-fields.definition';

/** Deliberately loose: one @, no spaces, a dot in the domain (CRMs refuse less than that). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const updateFieldsHandler = defineStepHandler(updateFieldsDefinition, {
  execute: async ({ config, services }) => {
    const changes: { firstName?: string; lastName?: string; email?: string } = {};
    for (const field of ['firstName', 'lastName', 'email'] as const) {
      if (config[field].trim() === '') continue;
      const rendered = (await services.render(config[field])).trim();
      // A variable that rendered empty leaves the field as it is rather than clearing it.
      if (rendered !== '') changes[field] = field === 'email' ? rendered.toLowerCase() : rendered;
    }
    if (changes.email !== undefined && !EMAIL.test(changes.email)) {
      return {
        outcome: 'failed',
        errorCode: 'invalid_email',
        errorMessage: `email "${changes.email}" is not an email address`,
        retryable: false,
        data: {},
      };
    }
    const { changed } = await services.crm.updateFields(changes);
    return { outcome: 'continue', output: 'next', data: { changed } };
  },
});
