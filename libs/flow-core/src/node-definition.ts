import type { z } from 'zod';
import type { RetryPolicy } from './flow-document';
import type { FlowIssue } from './flow-issue';

/** What a node does in a flow; drives palette grouping and graph rules. */
export type NodeKind = 'trigger' | 'condition' | 'action' | 'timing' | 'control';

/** Palette categories, in the order the canvas shows them. */
export const NODE_CATEGORIES = ['Triggers', 'Conditions', 'Timing', 'WhatsApp', 'CRM', 'Data', 'Control'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/**
 * Every node but a trigger also has this output: when a step fails for good
 * (after its retries) and an edge leaves from "error", the flow goes on there
 * instead of failing.
 */
export const ERROR_OUTPUT = 'error';

export interface NodeOutputDefinition {
  /** Stable name stored on edges, e.g. "next", "true", "timeout". */
  name: string;
  label: string;
  description?: string;
}

/**
 * The single declaration of a node type. The canvas form, server-side config
 * validation and publish-time checks are all derived from it.
 */
export interface NodeDefinition<TConfig = unknown> {
  /** Namespaced id, e.g. "trigger.inbound_message". */
  type: string;
  /** Bumped when behaviour or config changes incompatibly; saved flows keep theirs. */
  version: number;
  kind: NodeKind;
  category: NodeCategory;
  displayName: string;
  description: string;
  /** Extra words the palette search matches, in any language. */
  synonyms: readonly string[];
  /** Config schema; `.meta()` on fields carries form hints (title, widget, help). */
  configSchema: z.ZodType<TConfig>;
  /** Config a node gets when dropped on the canvas. */
  defaultConfig: TConfig;
  outputs: readonly NodeOutputDefinition[];
  /** Outputs that depend on config (e.g. A/B split branches); `outputs` is used when absent. */
  resolveOutputs?(config: TConfig): readonly NodeOutputDefinition[];
  /** Shape of the data the node produces for downstream nodes. */
  outputSchema: z.ZodType;
  sampleData: unknown;
  /** True for nodes that suspend the execution (waits); only they may close a cycle. */
  suspends?: boolean;
  /**
   * True for nodes that act outside the engine (send, CRM write, HTTP call...):
   * while automation is paused for the contact, an execution holds before them.
   */
  sideEffect?: boolean;
  /** Retry policy used when the flow does not set one on the node. */
  defaultRetry?: RetryPolicy;
  /** Config fields (dotted paths) that hold JSONLogic rules rather than message templates. */
  logicFields?: readonly string[];
  /** Flow variables (`vars.<name>`) this node sets, for the variable checks downstream. */
  writesVariables?(config: TConfig): readonly string[];
  /** Extra checks beyond the schema, run at publish time. */
  validate?(config: TConfig): readonly Omit<FlowIssue, 'nodeId'>[];
}

/** The outputs a node actually has: its named outputs plus "error" for every non-trigger node. */
export function nodeOutputs(definition: NodeDefinition, config: unknown): readonly NodeOutputDefinition[] {
  let outputs = definition.outputs;
  if (definition.resolveOutputs) {
    const parsed = definition.configSchema.safeParse(config);
    if (parsed.success) outputs = definition.resolveOutputs(parsed.data);
  }
  if (definition.kind === 'trigger') return outputs;
  return [...outputs, { name: ERROR_OUTPUT, label: 'On error', description: 'Taken when the step fails for good.' }];
}

/** Identity helper that keeps the config type of a definition precise. */
export function defineNode<TConfig>(definition: NodeDefinition<TConfig>): NodeDefinition<TConfig> {
  return definition;
}
