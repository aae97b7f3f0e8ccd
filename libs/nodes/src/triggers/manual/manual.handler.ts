import { flowScopedPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { manualDefinition } from './manual.definition';

export const manualHandler = defineTriggerHandler(manualDefinition, {
  eventTypes: ['manual.run'],
  matches: ({ event, flowId }) => {
    const payload = flowScopedPayloadSchema.safeParse(event.payload);
    return payload.success && payload.data.flowId === flowId;
  },
});
