import { flowScopedPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { incomingWebhookDefinition } from './incoming-webhook.definition';

export const incomingWebhookHandler = defineTriggerHandler(incomingWebhookDefinition, {
  eventTypes: ['webhook.received'],
  matches: ({ event, flowId }) => {
    const payload = flowScopedPayloadSchema.safeParse(event.payload);
    return payload.success && payload.data.flowId === flowId;
  },
});
