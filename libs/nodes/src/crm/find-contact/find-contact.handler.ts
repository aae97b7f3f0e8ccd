import { defineStepHandler } from '@parley/node-sdk';
import { findContactDefinition } from './find-contact.definition';

/** Spaces, dots, dashes and brackets people type inside numbers. */
const SEPARATORS = /[\s.()-]/g;

export const findContactHandler = defineStepHandler(findContactDefinition, {
  execute: async ({ config, services }) => {
    const rendered = (await services.render(config.phone)).replace(SEPARATORS, '');
    const phone = rendered.startsWith('00') ? `+${rendered.slice(2)}` : rendered;
    if (!/^\+[1-9]\d{6,14}$/.test(phone)) {
      return {
        outcome: 'failed',
        errorCode: 'invalid_phone',
        errorMessage: `phone "${rendered}" is not an international number (+ and country code)`,
        retryable: false,
        data: {},
      };
    }
    const { store, contact } = await services.crm.findContact({ phone });
    if (!contact) {
      return {
        outcome: 'continue',
        output: 'not_found',
        data: { store, found: false, id: null, type: null, firstName: null, lastName: null, email: null, phone },
      };
    }
    return { outcome: 'continue', output: 'found', data: { store, found: true, ...contact } };
  },
});
