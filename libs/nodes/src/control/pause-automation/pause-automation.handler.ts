import { defineStepHandler } from '@parley/node-sdk';
import { pauseAutomationDefinition } from './pause-automation.definition';

export const pauseAutomationHandler = defineStepHandler(pauseAutomationDefinition, {
  execute: async ({ config, services }) => {
    const until = config.hours === null ? null : new Date(services.now().getTime() + config.hours * 3_600_000);
    await services.automation.pauseContact(until, config.reason || 'Paused by a flow');
    return { outcome: 'continue', output: 'next', data: { until: until?.toISOString() ?? null } };
  },
});
