import { defineStepHandler } from '@parley/node-sdk';
import { nearestStoreDefinition } from './nearest-store.definition';

export const nearestStoreHandler = defineStepHandler(nearestStoreDefinition, {
  execute: async ({ services }) => {
    const found = await services.stores.nearest();
    if (!found) return { outcome: 'continue', output: 'none', data: {} };
    const { store, distanceKm } = found;
    return {
      outcome: 'continue',
      output: 'next',
      data: {
        name: store.name,
        address: store.address,
        city: store.city,
        hours: store.hours,
        distanceKm: distanceKm === null ? null : Math.round(distanceKm * 10) / 10,
      },
    };
  },
});
