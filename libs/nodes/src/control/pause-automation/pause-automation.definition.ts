import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const pauseAutomationConfigSchema = z.object({
  hours: z
    .number()
    .min(0.25)
    .max(24 * 365)
    .nullable()
    .default(12)
    .meta({ title: 'For how long (hours; empty: until resumed by hand)' }),
  reason: z.string().trim().max(500).default('').meta({ title: 'Reason' }),
});
export type PauseAutomationConfig = z.infer<typeof pauseAutomationConfigSchema>;

export const pauseAutomationDefinition = defineNode<PauseAutomationConfig>({
  type: 'automation.pause_contact',
  version: 1,
  kind: 'action',
  category: 'Control',
  displayName: 'Pause automation',
  description: 'Stops every flow from messaging this contact for a while (e.g. when a human should take over).',
  synonyms: ['pause', 'human', 'takeover', 'stop bot', 'pausa', 'operatore umano', 'wstrzymaj'],
  configSchema: pauseAutomationConfigSchema,
  defaultConfig: { hours: 12, reason: '' },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ until: z.string().nullable() }),
  sampleData: { until: '2026-11-22T22:00:00.000Z' },
});
