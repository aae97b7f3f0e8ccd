import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export const waitUntilConfigSchema = z.object({
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 14:00')
    .meta({ title: 'At', widget: 'time-of-day' }),
  weekdays: z.array(z.enum(WEEKDAYS)).max(7).default([]).meta({ title: 'On (empty: any day)', widget: 'weekdays' }),
  /** "contact": the contact's own time zone (the workspace's when unknown). */
  timeZone: z.string().min(1).max(64).default('contact').meta({ title: 'Time zone', widget: 'time-zone' }),
});
export type WaitUntilConfig = z.infer<typeof waitUntilConfigSchema>;

export const waitUntilDefinition = defineNode<WaitUntilConfig>({
  type: 'timing.wait_until',
  version: 1,
  kind: 'timing',
  category: 'Timing',
  displayName: 'Wait until a time',
  description: 'Waits until a time of day, optionally on given weekdays, in the contact’s time zone (e.g. Wednesday 14:00).',
  synonyms: ['until', 'time of day', 'weekday', 'schedule', 'wednesday', 'fino alle', 'mercoledì', 'do godziny', 'środa'],
  configSchema: waitUntilConfigSchema,
  defaultConfig: { time: '14:00', weekdays: ['wednesday'], timeZone: 'contact' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ resumeAt: z.string(), timeZone: z.string(), lateByMs: z.number() }),
  sampleData: { resumeAt: '2026-11-25T13:00:00.000Z', timeZone: 'Europe/Rome', lateByMs: 8 },
  suspends: true,
  validate: (config) => {
    if (config.timeZone === 'contact') return [];
    try {
      new Intl.DateTimeFormat('en', { timeZone: config.timeZone });
      return [];
    } catch {
      return [{ code: 'invalid_config', field: 'timeZone', message: `timeZone: "${config.timeZone}" is not a known time zone` }];
    }
  },
});
