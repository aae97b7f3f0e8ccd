import type { NodeDefinition } from '@parley/flow-core';
import type { StepHandler, TriggerHandler } from './node-handler';

/** Binds a step handler to its definition, so type, version and config type come from one place. */
export function defineStepHandler<TConfig>(
  definition: NodeDefinition<TConfig>,
  implementation: Pick<StepHandler<TConfig>, 'execute' | 'resume'>,
): StepHandler<TConfig> {
  return { role: 'step', type: definition.type, version: definition.version, ...implementation };
}

/** Binds a trigger handler to its definition. */
export function defineTriggerHandler<TConfig>(
  definition: NodeDefinition<TConfig>,
  implementation: Pick<TriggerHandler<TConfig>, 'eventTypes' | 'matches'>,
): TriggerHandler<TConfig> {
  return { role: 'trigger', type: definition.type, version: definition.version, ...implementation };
}
