import { z } from 'zod';
import { callEngine } from '../editor/engine-client';
import { changedFields } from '../settings/changed-fields';

const clock = z.string();
/** The workspace settings the business-hours screen edits (engine: reports/report-settings.ts, settings `timeZone`). */
export const businessHoursSettingsSchema = z.object({
  timeZone: z.string(),
  reports: z.looseObject({
    businessHours: z.object({
      days: z.array(z.number()),
      open: clock,
      close: clock,
      perDay: z.record(z.string(), z.object({ open: clock, close: clock })).default({}),
    }),
    responseThresholdMinutes: z.number(),
    /** An order within this many days after a flow's message (or a discount request) converts it. */
    conversionDays: z.number().default(7),
  }),
});
export type BusinessHoursSettings = z.infer<typeof businessHoursSettingsSchema>;

/** One weekday on the form: 0 = Sunday ... 6 = Saturday. */
export interface DayHours {
  day: number;
  open: boolean;
  opens: string;
  closes: string;
}

/** What the form edits. */
export interface BusinessHoursForm {
  timeZone: string;
  thresholdMinutes: number;
  conversionDays: number;
  days: DayHours[];
}

/** The form's starting values: each weekday with its own hours, or the common ones where it has none. */
export function businessHoursForm(settings: BusinessHoursSettings): BusinessHoursForm {
  const hours = settings.reports.businessHours;
  return {
    timeZone: settings.timeZone,
    thresholdMinutes: settings.reports.responseThresholdMinutes,
    conversionDays: settings.reports.conversionDays,
    days: [0, 1, 2, 3, 4, 5, 6].map((day) => ({
      day,
      open: hours.days.includes(day),
      opens: hours.perDay[String(day)]?.open ?? hours.open,
      closes: hours.perDay[String(day)]?.close ?? hours.close,
    })),
  };
}

function asSettings(form: BusinessHoursForm) {
  return {
    timeZone: form.timeZone,
    reports: {
      businessHours: {
        days: form.days.filter((d) => d.open).map((d) => d.day),
        perDay: Object.fromEntries(form.days.map((d) => [String(d.day), { open: d.opens, close: d.closes }])),
      },
      responseThresholdMinutes: form.thresholdMinutes,
      conversionDays: form.conversionDays,
    },
  };
}

/**
 * The settings PATCH for what the person changed, or undefined: only the
 * changed fields, so a save never overwrites what someone else set meanwhile.
 * A weekday whose hours changed is sent whole (opens and closes), since a
 * weekday without its own hours yet has no value to merge one of them into.
 */
export function businessHoursPatch(initial: BusinessHoursForm, edited: BusinessHoursForm): unknown {
  const after = asSettings(edited);
  const patch = changedFields(asSettings(initial), after);
  const shape = z.looseObject({ reports: z.looseObject({ businessHours: z.looseObject({ perDay: z.record(z.string(), z.unknown()) }) }) });
  const parsed = shape.safeParse(patch);
  if (!parsed.success) return patch;
  const perDay = Object.fromEntries(
    Object.keys(parsed.data.reports.businessHours.perDay).map((day) => [day, after.reports.businessHours.perDay[day]]),
  );
  return { ...parsed.data, reports: { ...parsed.data.reports, businessHours: { ...parsed.data.reports.businessHours, perDay } } };
}

export function saveBusinessHours(patch: unknown) {
  return callEngine('/api/workspace/settings', businessHoursSettingsSchema, { method: 'PATCH', body: JSON.stringify(patch) });
}
