import {
  type FlowNode,
  type FlowSettings,
  type FlowVersionView,
  type NodeCatalog,
  type NodeDefinition,
  parseFlowDocument,
  type RetryPolicy,
} from '@parley/flow-core';
import type { StepHandler, TriggerHandler } from '@parley/node-sdk';
import type { NodeHandlerRegistry } from './node-handler-registry';

export interface CompiledStep {
  node: FlowNode;
  definition: NodeDefinition;
  /** Config parsed once by the definition's schema (defaults applied). */
  config: unknown;
  handler: StepHandler;
  /** The node's retry policy, else its type's default; null: no retry. */
  retry: RetryPolicy | null;
}

export interface CompiledTrigger {
  node: FlowNode;
  definition: NodeDefinition;
  config: unknown;
  handler: TriggerHandler;
}

/** A published flow version, parsed and wired once, then reused for every event. */
export interface CompiledFlow {
  versionId: string;
  flowId: string;
  version: number;
  settings: FlowSettings;
  trigger: CompiledTrigger;
  steps: ReadonlyMap<string, CompiledStep>;
  /** The node reached by leaving `nodeId` through `output`, or null at the end of a path. */
  next(nodeId: string, output: string): string | null;
}

export class CompileError extends Error {}

export function compileFlow(
  version: { id: string; flowId: string; version: number; definition: unknown },
  catalog: NodeCatalog,
  handlers: NodeHandlerRegistry,
): CompiledFlow {
  const parsed = parseFlowDocument(version.definition);
  if (!parsed.ok) throw new CompileError(`Version ${version.id} does not parse: ${parsed.issues.map((i) => i.message).join('; ')}`);
  let trigger: CompiledTrigger | null = null;
  const steps = new Map<string, CompiledStep>();
  for (const node of parsed.document.nodes) {
    const definition = catalog.get(node.type, node.typeVersion);
    if (!definition) throw new CompileError(`Node ${node.id}: unknown type ${node.type}@${node.typeVersion}`);
    const config = definition.configSchema.safeParse(node.config);
    if (!config.success) throw new CompileError(`Node ${node.id}: invalid config`);
    if (definition.kind === 'trigger') {
      const handler = handlers.trigger(node.type, node.typeVersion);
      if (!handler) throw new CompileError(`Node ${node.id}: no trigger handler for ${node.type}@${node.typeVersion}`);
      trigger = { node, definition, config: config.data, handler };
    } else {
      const handler = handlers.step(node.type, node.typeVersion);
      if (!handler) throw new CompileError(`Node ${node.id}: no handler for ${node.type}@${node.typeVersion}`);
      steps.set(node.id, {
        node,
        definition,
        config: config.data,
        handler,
        retry: node.settings?.retry ?? definition.defaultRetry ?? null,
      });
    }
  }
  if (!trigger) throw new CompileError(`Version ${version.id} has no trigger`);
  const edges = new Map<string, string>();
  for (const edge of parsed.document.edges) edges.set(`${edge.source}\u0000${edge.sourceOutput}`, edge.target);
  return {
    versionId: version.id,
    flowId: version.flowId,
    version: version.version,
    settings: parsed.document.settings,
    trigger,
    steps,
    next: (nodeId, output) => edges.get(`${nodeId}\u0000${output}`) ?? null,
  };
}

const views = new WeakMap<CompiledFlow, FlowVersionView>();

/** The flow as the state machine (`decide`) sees it: edges, retry policies, timing nodes. */
export function flowVersionView(flow: CompiledFlow): FlowVersionView {
  let view = views.get(flow);
  if (!view) {
    view = {
      next: (nodeId, output) => flow.next(nodeId, output),
      retryPolicy: (nodeId) => flow.steps.get(nodeId)?.retry ?? null,
      isTiming: (nodeId) => flow.steps.get(nodeId)?.definition.category === 'Timing',
    };
    views.set(flow, view);
  }
  return view;
}
