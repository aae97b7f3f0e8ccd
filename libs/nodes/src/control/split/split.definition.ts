import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const splitConfigSchema = z.object({
  branches: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, 'lower case letters, digits and "_"'),
        percent: z.number().min(0).max(100),
      }),
    )
    .min(2)
    .max(10)
    .refine((b) => new Set(b.map((x) => x.name)).size === b.length, 'branch names must be unique')
    .refine((b) => Math.abs(b.reduce((sum, x) => sum + x.percent, 0) - 100) < 0.001, 'the percentages must add up to 100')
    .refine((b) => b.every((x) => x.name !== 'error'), '"error" is reserved')
    .meta({ title: 'Branches' }),
});
export type SplitConfig = z.infer<typeof splitConfigSchema>;

export const splitDefinition = defineNode<SplitConfig>({
  type: 'control.split',
  version: 1,
  kind: 'control',
  category: 'Control',
  displayName: 'A/B split',
  description: 'Sends contacts down branches by percentage; a contact always gets the same branch of this split.',
  synonyms: ['ab test', 'split', 'experiment', 'random', 'percentage', 'test a/b', 'test ab'],
  configSchema: splitConfigSchema,
  defaultConfig: {
    branches: [
      { name: 'a', percent: 50 },
      { name: 'b', percent: 50 },
    ],
  },
  outputs: [
    { name: 'a', label: 'A' },
    { name: 'b', label: 'B' },
  ],
  resolveOutputs: (config) => config.branches.map((b) => ({ name: b.name, label: `${b.name.toUpperCase()} (${b.percent}%)` })),
  outputSchema: z.object({ branch: z.string(), roll: z.number() }),
  sampleData: { branch: 'a', roll: 0.42 },
});
