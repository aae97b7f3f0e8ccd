import type { FlowDocument, FlowNode } from './flow-document';
import { findCycles, reachableFrom } from './flow-graph';
import type { FlowIssue } from './flow-issue';
import type { NodeCatalog } from './node-catalog';
import type { NodeDefinition, NodeOutputDefinition } from './node-definition';
import { formatIssuePath } from './zod-issue-path';

function describe(node: FlowNode, definition?: NodeDefinition): string {
  const name = node.label ?? definition?.displayName ?? node.type;
  return `"${name}" (${node.id})`;
}

function outputsOf(definition: NodeDefinition, config: unknown): readonly NodeOutputDefinition[] {
  if (!definition.resolveOutputs) return definition.outputs;
  const parsed = definition.configSchema.safeParse(config);
  return parsed.success ? definition.resolveOutputs(parsed.data) : definition.outputs;
}

/**
 * Publish-time checks of a whole flow: known node types, valid config, exactly
 * one trigger, every edge between existing nodes and outputs, every node
 * reachable from the trigger, and no cycle that does not pass through a wait.
 * Returns every issue found (empty when the flow can be published).
 */
export function validateFlow(document: FlowDocument, catalog: NodeCatalog): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const nodesById = new Map<string, FlowNode>();
  const definitions = new Map<string, NodeDefinition>();

  for (const node of document.nodes) {
    if (nodesById.has(node.id)) {
      issues.push({ code: 'duplicate_id', nodeId: node.id, message: `Two nodes share the id "${node.id}".` });
      continue;
    }
    nodesById.set(node.id, node);
    const definition = catalog.get(node.type, node.typeVersion);
    if (!definition) {
      const known = catalog.latest(node.type);
      issues.push({
        code: 'unknown_node_type',
        nodeId: node.id,
        field: 'type',
        message: known
          ? `Node ${describe(node)} uses ${node.type} version ${node.typeVersion}, which does not exist (latest is ${known.version}).`
          : `Node ${describe(node)} has an unknown type "${node.type}".`,
      });
      continue;
    }
    definitions.set(node.id, definition);
    const parsed = definition.configSchema.safeParse(node.config);
    if (!parsed.success) {
      for (const zodIssue of parsed.error.issues) {
        const field = formatIssuePath(zodIssue.path);
        issues.push({
          code: 'invalid_config',
          nodeId: node.id,
          field,
          message: `Node ${describe(node, definition)}: ${field || 'config'}: ${zodIssue.message}`,
        });
      }
    } else if (definition.validate) {
      for (const extra of definition.validate(parsed.data)) {
        issues.push({ ...extra, nodeId: node.id, message: `Node ${describe(node, definition)}: ${extra.message}` });
      }
    }
  }

  const triggers = document.nodes.filter((n) => definitions.get(n.id)?.kind === 'trigger');
  if (triggers.length === 0) {
    issues.push({ code: 'trigger_missing', message: 'The flow has no trigger: add one to say when it starts.' });
  } else if (triggers.length > 1) {
    for (const extra of triggers.slice(1)) {
      issues.push({
        code: 'trigger_multiple',
        nodeId: extra.id,
        message: `Node ${describe(extra, definitions.get(extra.id))} is a second trigger; a flow has exactly one.`,
      });
    }
  }

  const edgeIds = new Set<string>();
  const usedOutputs = new Set<string>();
  for (const edge of document.edges) {
    if (edgeIds.has(edge.id)) {
      issues.push({ code: 'duplicate_id', edgeId: edge.id, message: `Two connections share the id "${edge.id}".` });
      continue;
    }
    edgeIds.add(edge.id);
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    if (!source || !target) {
      const missing = !source ? edge.source : edge.target;
      issues.push({
        code: 'edge_unknown_node',
        edgeId: edge.id,
        nodeId: source ? source.id : undefined,
        message: `Connection ${edge.id} points to a node that does not exist ("${missing}").`,
      });
      continue;
    }
    const sourceDefinition = definitions.get(source.id);
    if (sourceDefinition) {
      const outputs = outputsOf(sourceDefinition, source.config);
      if (!outputs.some((o) => o.name === edge.sourceOutput)) {
        issues.push({
          code: 'edge_unknown_output',
          edgeId: edge.id,
          nodeId: source.id,
          message: `Node ${describe(source, sourceDefinition)} has no output "${edge.sourceOutput}" (it has: ${outputs.map((o) => o.name).join(', ') || 'none'}).`,
        });
      }
    }
    const outputKey = `${edge.source}\u0000${edge.sourceOutput}`;
    if (usedOutputs.has(outputKey)) {
      issues.push({
        code: 'output_multiple_edges',
        edgeId: edge.id,
        nodeId: source.id,
        message: `Output "${edge.sourceOutput}" of node ${describe(source, sourceDefinition)} is connected more than once; each output leads to one next step.`,
      });
    }
    usedOutputs.add(outputKey);
    if (definitions.get(target.id)?.kind === 'trigger') {
      issues.push({
        code: 'edge_into_trigger',
        edgeId: edge.id,
        nodeId: target.id,
        message: `Connection ${edge.id} leads into the trigger ${describe(target, definitions.get(target.id))}; a trigger only starts a flow.`,
      });
    }
  }

  const trigger = triggers[0];
  if (trigger) {
    const reachable = reachableFrom(document, trigger.id);
    for (const node of document.nodes) {
      if (!reachable.has(node.id) && definitions.get(node.id)?.kind !== 'trigger') {
        issues.push({
          code: 'node_unreachable',
          nodeId: node.id,
          message: `Node ${describe(node, definitions.get(node.id))} is not connected to the trigger, so it would never run.`,
        });
      }
    }
  }

  for (const cycle of findCycles(document)) {
    if (!cycle.some((id) => definitions.get(id)?.suspends === true)) {
      const first = cycle[0];
      issues.push({
        code: 'cycle_without_wait',
        nodeId: first,
        message: `Nodes ${cycle.join(' -> ')} form a loop with no wait in it; a loop must pass through a wait step.`,
      });
    }
  }

  return issues;
}
