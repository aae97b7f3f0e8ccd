import { defineNode } from '@parley/flow-core';
import { z } from 'zod';
import { durationMs, durationUnitSchema, MAX_WAIT_MS } from '../duration';

export const waitConfigSchema = z
  .object({
    amount: z.number().positive().max(100_000).meta({ title: 'Wait' }),
    unit: durationUnitSchema.default('hours').meta({ title: 'Unit' }),
  })
  .refine((c) => durationMs(c.amount, c.unit) <= MAX_WAIT_MS, { message: 'a wait can last at most a year', path: ['amount'] });
export type WaitConfig = z.infer<typeof waitConfigSchema>;

export const waitDefinition = defineNode<WaitConfig>({
  type: 'timing.wait',
  version: 1,
  kind: 'timing',
  category: 'Timing',
  displayName: 'Wait',
  description: 'Waits for minutes, hours, days or weeks before the next step; survives restarts.',
  synonyms: ['delay', 'pause', 'sleep', 'later', 'attendi', 'ritardo', 'czekaj', 'opóźnienie'],
  configSchema: waitConfigSchema,
  defaultConfig: { amount: 1, unit: 'days' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ resumeAt: z.string(), lateByMs: z.number() }),
  sampleData: { resumeAt: '2026-11-23T10:00:00.000Z', lateByMs: 12 },
  suspends: true,
});
