import { defineStepHandler } from '@parley/node-sdk';
import { durationMs } from '../duration';
import { waitDefinition } from './wait.definition';

export const waitHandler = defineStepHandler(waitDefinition, {
  execute: async ({ config, services }) => {
    const resumeAt = new Date(services.now().getTime() + durationMs(config.amount, config.unit));
    return { outcome: 'wait', wait: { kind: 'delay', resumeAt }, data: { resumeAt: resumeAt.toISOString() } };
  },
  resume: async (_context, wake) => ({ outcome: 'continue', output: 'next', data: { lateByMs: wake.lateByMs } }),
});
