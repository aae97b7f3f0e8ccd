import { flowScopedPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { scheduleDefinition } from './schedule.definition';

/** Ticks are created per flow by the engine's scheduler; a tick only starts the flow it was made for. */
export const scheduleHandler = defineTriggerHandler(scheduleDefinition, {
  eventTypes: ['schedule.tick'],
  matches: ({ event, flowId }) => {
    const payload = flowScopedPayloadSchema.safeParse(event.payload);
    return payload.success && payload.data.flowId === flowId;
  },
});
