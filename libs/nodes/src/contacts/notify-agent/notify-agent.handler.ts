import { defineStepHandler } from '@parley/node-sdk';
import { notifyAgentDefinition } from './notify-agent.definition';

export const notifyAgentHandler = defineStepHandler(notifyAgentDefinition, {
  execute: async ({ config, contact, services }) => {
    // Without an assigned agent the admins hear about it, so nothing falls through.
    const userId = config.recipient === 'user' ? config.userId : config.recipient === 'assigned' ? contact.assignedUserId : null;
    await services.notifier.notify({ userId, title: await services.render(config.title), body: await services.render(config.body) });
    return { outcome: 'continue', output: 'next', data: { userId } };
  },
});
