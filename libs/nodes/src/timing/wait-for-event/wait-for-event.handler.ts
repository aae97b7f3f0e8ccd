import { defineStepHandler } from '@parley/node-sdk';
import { durationMs } from '../duration';
import { waitForEventDefinition } from './wait-for-event.definition';

export const waitForEventHandler = defineStepHandler(waitForEventDefinition, {
  execute: async ({ config, services }) => {
    const timeoutAt =
      config.timeout === null ? null : new Date(services.now().getTime() + durationMs(config.timeout.amount, config.timeout.unit));
    return {
      outcome: 'wait',
      wait: { kind: 'event', eventType: config.eventType, filter: config.filter, timeoutAt },
      data: { eventType: config.eventType, timeoutAt: timeoutAt?.toISOString() ?? null },
    };
  },
  resume: async ({ config }, wake) =>
    wake.outcome === 'received'
      ? {
          outcome: 'continue',
          output: 'received',
          data: { eventType: config.eventType, event: { ...(wake.event?.payload ?? {}) }, timedOut: false },
        }
      : {
          outcome: 'continue',
          output: 'timeout',
          data: { eventType: config.eventType, event: null, timedOut: true, lateByMs: wake.lateByMs },
        },
});
