import type { FlowDocument, FlowNode } from './flow-document';
import { findCycles, reachableFrom } from './flow-graph';
import { availableVariables, isVariableAvailable } from './flow-variables';
import { logicVariables } from './logic-variables';
import { parseTemplate } from './template';
import type { FlowIssue } from './flow-issue';
import type { NodeCatalog } from './node-catalog';
import { type NodeDefinition, nodeOutputs } from './node-definition';
import { formatIssuePath } from './zod-issue-path';

const NAMESPACES = ['contact.', 'event.', 'vars.', 'steps.', 'crm.'];

/** Every string value of a config with its dotted path. */
function strings(value: unknown, path: string, out: { path: string; text: string }[]): void {
  if (typeof value === 'string') {
    out.push({ path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => strings(item, `${path}[${index}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) strings(child, path === '' ? key : `${path}.${key}`, out);
  }
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = Object.entries(current).find(([k]) => k === key)?.[1];
  }
  return current;
}

/** Templates must parse and name only variables available to the node; logic rules read only available data. */
function variableIssues(document: FlowDocument, catalog: NodeCatalog, node: FlowNode, definition: NodeDefinition): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const logicFields = definition.logicFields ?? [];
  const texts: { path: string; text: string }[] = [];
  strings(node.config, '', texts);
  const templates = texts.filter((t) => !logicFields.some((f) => t.path === f || t.path.startsWith(`${f}.`) || t.path.startsWith(`${f}[`)));
  const used: { path: string; field: string }[] = [];
  for (const { path, text } of templates) {
    if (!text.includes('{{')) continue;
    const parsed = parseTemplate(text);
    if (!parsed.ok) {
      issues.push({
        code: 'invalid_template',
        nodeId: node.id,
        field: path,
        message: `Node ${describe(node, definition)}: ${path}: ${parsed.error}`,
      });
      continue;
    }
    for (const part of parsed.parts) if (part.kind === 'variable') used.push({ path: part.variable.path, field: path });
  }
  for (const field of logicFields) {
    for (const variable of logicVariables(valueAt(node.config, field))) used.push({ path: variable, field });
  }
  if (used.length === 0) return issues;
  const available = availableVariables(document, catalog, node.id);
  for (const { path, field } of used) {
    const known = path === 'now' || (NAMESPACES.some((ns) => path.startsWith(ns)) && isVariableAvailable(path, available));
    if (!known) {
      issues.push({
        code: 'unknown_variable',
        nodeId: node.id,
        field,
        message: `Node ${describe(node, definition)}: ${field} uses {{${path}}}, which is not available here.`,
      });
    }
  }
  return issues;
}

function describe(node: FlowNode, definition?: NodeDefinition): string {
  const name = node.label ?? definition?.displayName ?? node.type;
  return `"${name}" (${node.id})`;
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
    } else {
      for (const extra of definition.validate?.(parsed.data) ?? []) {
        issues.push({ ...extra, nodeId: node.id, message: `Node ${describe(node, definition)}: ${extra.message}` });
      }
      issues.push(...variableIssues(document, catalog, node, definition));
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
      const outputs = nodeOutputs(sourceDefinition, source.config);
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
