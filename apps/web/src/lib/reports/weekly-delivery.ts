import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

/** The reports part of the workspace settings (engine: apps/engine/src/reports/report-settings.ts); the rest passes through. */
export const reportSettingsSchema = z.looseObject({
  weekly: z.object({
    enabled: z.boolean(),
    day: z.number(),
    hour: z.number(),
    webhookUrl: z.string().nullable().optional(),
  }),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;
export const reportsOfSettingsSchema = z.object({ reports: reportSettingsSchema });

export const weeklyDeliveriesSchema = z.object({
  signingKey: z.string(),
  data: z.array(
    z.object({
      id: z.string(),
      weeklyId: z.string(),
      weekStart: z.string(),
      url: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.number(),
      nextAttemptAt: z.string().nullable(),
      lastStatus: z.number().nullable(),
      lastError: z.string().nullable(),
      deliveredAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});
export type WeeklyDeliveries = z.infer<typeof weeklyDeliveriesSchema>;

/** Saves the weekly report's schedule and webhook; the other reports settings are sent back as they were. */
export function saveWeeklySettings(current: ReportSettings, weekly: ReportSettings['weekly']) {
  return callEngine('/api/workspace/settings', reportsOfSettingsSchema, {
    method: 'PATCH',
    body: JSON.stringify({ reports: { ...current, weekly } }),
  });
}
