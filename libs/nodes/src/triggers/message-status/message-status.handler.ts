import { messageNotReadPayloadSchema, messageStatusPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { messageStatusDefinition } from './message-status.definition';

export const messageStatusHandler = defineTriggerHandler(messageStatusDefinition, {
  eventTypes: ['message.status', 'message.not_read'],
  matches: ({ config, event }) => {
    if (config.status === 'not_read') {
      const payload = messageNotReadPayloadSchema.safeParse(event.payload);
      return event.type === 'message.not_read' && payload.success && payload.data.hours === config.hours;
    }
    const payload = messageStatusPayloadSchema.safeParse(event.payload);
    return event.type === 'message.status' && payload.success && payload.data.status === config.status;
  },
});
