import { defineStepHandler } from '@parley/node-sdk';
import { splitDefinition } from './split.definition';

export const splitHandler = defineStepHandler(splitDefinition, {
  execute: async ({ config, services }) => {
    const roll = services.stableRandom();
    let cumulative = 0;
    let branch = config.branches[config.branches.length - 1]?.name ?? 'a';
    for (const candidate of config.branches) {
      cumulative += candidate.percent / 100;
      if (roll < cumulative) {
        branch = candidate.name;
        break;
      }
    }
    return { outcome: 'continue', output: branch, data: { branch, roll }, decision: { roll, branches: config.branches } };
  },
});
