import { defineStepHandler } from '@parley/node-sdk';
import { createOpportunityDefinition } from './create-opportunity.definition';

export const createOpportunityHandler = defineStepHandler(createOpportunityDefinition, {
  execute: async ({ config, services }) => {
    const rendered = (await services.render(config.amount)).trim();
    const amount = rendered === '' ? null : Number(rendered.replace(',', '.'));
    if (amount !== null && !Number.isFinite(amount)) {
      return {
        outcome: 'failed',
        errorCode: 'invalid_amount',
        errorMessage: `amount "${rendered}" is not a number`,
        retryable: false,
        data: {},
      };
    }
    const { id, store } = await services.crm.createOpportunity({
      title: await services.render(config.title),
      stage: config.stage,
      amount,
      currency: config.currency || null,
      source: config.source || null,
    });
    return { outcome: 'continue', output: 'next', data: { opportunityId: id, store } };
  },
});
