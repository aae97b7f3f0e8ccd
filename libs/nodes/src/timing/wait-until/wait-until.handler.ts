import { defineStepHandler } from '@parley/node-sdk';
import { IANAZone } from 'luxon';
import { nextLocalTime } from './next-local-time';
import { waitUntilDefinition } from './wait-until.definition';

export const waitUntilHandler = defineStepHandler(waitUntilDefinition, {
  execute: async ({ config, contact, workspace, services }) => {
    const wanted = config.timeZone === 'contact' ? (contact.timeZone ?? workspace.timeZone) : config.timeZone;
    // A contact with a time zone we cannot use falls back to the workspace's rather than failing.
    const zone = IANAZone.isValidZone(wanted) ? wanted : workspace.timeZone;
    const resumeAt = nextLocalTime(services.now(), config.time, config.weekdays, zone);
    return { outcome: 'wait', wait: { kind: 'until', resumeAt }, data: { resumeAt: resumeAt.toISOString(), timeZone: zone } };
  },
  resume: async (_context, wake) => ({ outcome: 'continue', output: 'next', data: { lateByMs: wake.lateByMs } }),
});
