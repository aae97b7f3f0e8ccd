import { z } from 'zod';

export const durationUnitSchema = z.enum(['minutes', 'hours', 'days', 'weeks']);
export type DurationUnit = z.infer<typeof durationUnitSchema>;

const UNIT_MS: Record<DurationUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };

/** Milliseconds in `amount` `unit`s. */
export function durationMs(amount: number, unit: DurationUnit): number {
  return amount * UNIT_MS[unit];
}

/** Waits of any length up to a year are durable; longer ones are refused as a likely mistake. */
export const MAX_WAIT_MS = 366 * 86_400_000;
