import { defineStepHandler } from '@parley/node-sdk';
import { assignAgentDefinition } from './assign-agent.definition';

export const assignAgentHandler = defineStepHandler(assignAgentDefinition, {
  execute: async ({ config, contact, services }) => {
    await services.contact.assign(config.userId);
    if (config.userId !== null && config.notify) {
      const name = contact.displayName ?? contact.phoneE164 ?? 'a contact';
      await services.notifier.notify({
        userId: config.userId,
        title: `You were assigned ${name}`,
        body: await services.render(config.note),
      });
    }
    return { outcome: 'continue', output: 'next', data: { userId: config.userId } };
  },
});
