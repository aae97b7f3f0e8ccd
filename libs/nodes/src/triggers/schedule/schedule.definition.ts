import { defineNode, flowScopedPayloadSchema } from '@parley/flow-core';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const scheduleConfigSchema = z.object({
  cron: z
    .string()
    .trim()
    .min(9)
    .max(100)
    .meta({ title: 'When (cron)', description: 'minute hour day month weekday, e.g. "0 2 * * *" for 02:00 every night.', widget: 'cron' }),
  timeZone: z
    .string()
    .refine(isTimeZone, 'not a known time zone (use e.g. Europe/Rome)')
    .default('UTC')
    .meta({ title: 'Time zone', widget: 'time-zone' }),
  audience: z
    .object({
      tags: z
        .array(z.string().trim().min(1).max(100))
        .max(20)
        .default([])
        .meta({ title: 'Contacts with any of these tags (empty: everyone)', widget: 'tags' }),
      excludeTags: z
        .array(z.string().trim().min(1).max(100))
        .max(20)
        .default([])
        .meta({ title: 'Except contacts with these tags', widget: 'tags' }),
      list: z.string().trim().max(100).nullable().default(null).meta({ title: 'Only contacts in this list' }),
      unansweredForHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .nullable()
        .default(null)
        .meta({ title: 'Only conversations waiting for our answer for at least (hours)' }),
    })
    .default({ tags: [], excludeTags: [], list: null, unansweredForHours: null }),
  /** A tick missed while the engine was down still runs if it is at most this late. */
  catchUpHours: z.number().int().min(0).max(72).default(6).meta({ title: 'Run a missed time if the engine was down for at most (hours)' }),
});
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;

/** The latest scheduled time at or before `now`, or null when the cron has none in the past year. */
export function lastScheduledTime(config: Pick<ScheduleConfig, 'cron' | 'timeZone'>, now: Date): Date | null {
  const expression = CronExpressionParser.parse(config.cron, { tz: config.timeZone, currentDate: new Date(now.getTime() + 1) });
  try {
    const previous = expression.prev().toDate();
    return now.getTime() - previous.getTime() <= 366 * 24 * 3600 * 1000 ? previous : null;
  } catch {
    return null;
  }
}

/** The first scheduled time after `now`, or null when the cron has none in the next year. */
export function nextScheduledTime(config: Pick<ScheduleConfig, 'cron' | 'timeZone'>, now: Date): Date | null {
  const expression = CronExpressionParser.parse(config.cron, { tz: config.timeZone, currentDate: now });
  try {
    const next = expression.next().toDate();
    return next.getTime() - now.getTime() <= 366 * 24 * 3600 * 1000 ? next : null;
  } catch {
    return null;
  }
}

export const scheduleDefinition = defineNode<ScheduleConfig>({
  type: 'trigger.schedule',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'On a schedule',
  description: 'Starts at set times (cron in a time zone) for every contact of an audience, e.g. at 02:00 for unanswered conversations.',
  synonyms: ['cron', 'timer', 'nightly', 'weekly', 'batch', 'every day', 'pianificato', 'ogni notte', 'harmonogram', 'codziennie'],
  configSchema: scheduleConfigSchema,
  defaultConfig: {
    cron: '0 2 * * *',
    timeZone: 'UTC',
    audience: { tags: [], excludeTags: [], list: null, unansweredForHours: null },
    catchUpHours: 6,
  },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: flowScopedPayloadSchema.extend({ tickAt: z.string() }),
  sampleData: { flowId: '00000000-0000-4000-8000-000000000000', tickAt: '2026-11-22T01:00:00.000Z', data: {} },
  validate: (config) => {
    try {
      CronExpressionParser.parse(config.cron, { tz: config.timeZone, strict: false });
      return [];
    } catch (error) {
      return [
        {
          code: 'invalid_config',
          field: 'cron',
          message: `cron: ${error instanceof Error ? error.message : 'not a valid cron expression'}`,
        },
      ];
    }
  },
});
