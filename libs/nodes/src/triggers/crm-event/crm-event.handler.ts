import { dealPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { crmEventDefinition } from './crm-event.definition';

export const crmEventHandler = defineTriggerHandler(crmEventDefinition, {
  eventTypes: ['order.created', 'order.paid', 'order.shipped', 'deal.stage_changed', 'store.visited', 'link.clicked'],
  matches: ({ config, event }) => {
    if (event.type !== config.eventType) return false;
    if (config.eventType !== 'deal.stage_changed' || config.stage === '') return true;
    const payload = dealPayloadSchema.safeParse(event.payload);
    return payload.success && payload.data.stage.toLocaleLowerCase() === config.stage.toLocaleLowerCase();
  },
});
