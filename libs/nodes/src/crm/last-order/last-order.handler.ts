import { defineStepHandler } from '@parley/node-sdk';
import { lastOrderDefinition } from './last-order.definition';

export const lastOrderHandler = defineStepHandler(lastOrderDefinition, {
  execute: async ({ services }) => {
    const order = await services.crm.lastOrder();
    if (!order) return { outcome: 'continue', output: 'none', data: {} };
    return { outcome: 'continue', output: 'found', data: { ...order } };
  },
});
