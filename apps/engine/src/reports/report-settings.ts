import { z } from 'zod';
import type { BusinessHours } from './metrics/business-hours';

function minuteOfDay(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** The workspace's reporting settings (part of the workspace settings document, key `reports`). */
export const reportSettingsSchema = z.object({
  /** When people work, in the workspace's time zone: service metrics also count only these hours. */
  businessHours: z
    .object({
      /** 0 = Sunday ... 6 = Saturday. */
      days: z.array(z.number().int().min(0).max(6)).max(7).default([1, 2, 3, 4, 5]),
      open: clockTime.default('09:00'),
      close: clockTime.default('18:00'),
      /** A day's own hours ("1": Monday), where they differ from open/close; only days in `days` are open. */
      perDay: z.partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.object({ open: clockTime, close: clockTime })).default({}),
    })
    .default({ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', perDay: {} })
    .superRefine((hours, ctx) => {
      if (minuteOfDay(hours.close) <= minuteOfDay(hours.open))
        ctx.addIssue({ code: 'custom', path: ['close'], message: 'must be after open' });
      for (const [day, span] of Object.entries(hours.perDay)) {
        if (span && minuteOfDay(span.close) <= minuteOfDay(span.open)) {
          ctx.addIssue({ code: 'custom', path: ['perDay', day, 'close'], message: 'must be after open' });
        }
      }
    }),
  /** Agents whose median reply time passes this many minutes are flagged. */
  responseThresholdMinutes: z.number().min(0).max(10_080).default(6),
  /** An order within this many days after a flow's message converts it (changing it needs a rollup rebuild). */
  conversionDays: z.number().int().min(1).max(90).default(7),
  /** The weekly report: made on this day and hour (workspace time zone) for the week that ended, kept under /reports/weekly. */
  weekly: z
    .object({
      enabled: z.boolean().default(true),
      /** 0 = Sunday ... 6 = Saturday. */
      day: z.number().int().min(0).max(6).default(1),
      hour: z.number().int().min(0).max(23).default(8),
      /** Also POSTed here (JSON, HMAC-signed), through the workspace's outbound HTTP allow-list; null: in-app only. */
      webhookUrl: z
        .string()
        .trim()
        .max(2000)
        .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL')
        .nullable()
        .default(null),
    })
    .default({ enabled: true, day: 1, hour: 8, webhookUrl: null }),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;

export const DEFAULT_REPORT_SETTINGS: ReportSettings = reportSettingsSchema.parse({});

export function businessHoursOf(settings: ReportSettings): BusinessHours {
  const perDay: Record<number, { openMinute: number; closeMinute: number }> = {};
  for (const [day, span] of Object.entries(settings.businessHours.perDay)) {
    if (span) perDay[Number(day)] = { openMinute: minuteOfDay(span.open), closeMinute: minuteOfDay(span.close) };
  }
  return {
    days: settings.businessHours.days,
    openMinute: minuteOfDay(settings.businessHours.open),
    closeMinute: minuteOfDay(settings.businessHours.close),
    perDay,
  };
}
