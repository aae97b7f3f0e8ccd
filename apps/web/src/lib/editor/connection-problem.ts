import { type FlowDocument, type NodeCatalog, nodeOutputs, reachableFrom, upstreamNodes } from '@parley/flow-core';

export interface ConnectionRequest {
  source: string;
  sourceOutput: string;
  target: string;
}

function nameOf(document: FlowDocument, catalog: NodeCatalog, id: string): string {
  const node = document.nodes.find((n) => n.id === id);
  if (!node) return id;
  return node.label ?? catalog.get(node.type, node.typeVersion)?.displayName ?? node.type;
}

/**
 * Why a connection may not be drawn, in words a marketer reads while
 * dragging; null when it may. The same rules as publish-time validation:
 * nothing leads into the trigger, outputs exist by name and lead to one step,
 * and a loop must pass through a wait.
 */
export function connectionProblem(document: FlowDocument, catalog: NodeCatalog, request: ConnectionRequest): string | null {
  const source = document.nodes.find((n) => n.id === request.source);
  const target = document.nodes.find((n) => n.id === request.target);
  if (!source || !target) return 'That step no longer exists.';
  const sourceDefinition = catalog.get(source.type, source.typeVersion);
  const targetDefinition = catalog.get(target.type, target.typeVersion);
  if (targetDefinition?.kind === 'trigger') return 'Nothing can lead into the trigger: it is where the flow starts.';
  if (sourceDefinition) {
    const outputs = nodeOutputs(sourceDefinition, source.config);
    const output = outputs.find((o) => o.name === request.sourceOutput);
    if (!output) return `“${nameOf(document, catalog, source.id)}” has no output “${request.sourceOutput}”.`;
    const taken = document.edges.find((e) => e.source === source.id && e.sourceOutput === request.sourceOutput);
    if (taken && taken.target !== target.id) {
      return `The “${output.label}” output already leads to “${nameOf(document, catalog, taken.target)}”: each output leads to one next step. Remove that connection first.`;
    }
  }
  if (source.id === target.id) {
    return sourceDefinition?.suspends === true ? null : 'A step cannot lead back to itself unless it is a wait.';
  }
  const fromTarget = reachableFrom(document, target.id);
  if (fromTarget.has(source.id)) {
    // The loop would be every step on a path from the target back to the source.
    const beforeSource = upstreamNodes(document, source.id);
    const loop = document.nodes.filter((n) => n.id === source.id || (fromTarget.has(n.id) && beforeSource.has(n.id)));
    const hasWait = loop.some((n) => catalog.get(n.type, n.typeVersion)?.suspends === true);
    if (!hasWait) return 'This would make a loop with no wait in it: a loop must pass through a wait step, or it would repeat forever.';
  }
  return null;
}

/** Why a step of this type may not be added; null when it may. */
export function additionProblem(document: FlowDocument, catalog: NodeCatalog, type: string, version: number): string | null {
  if (catalog.get(type, version)?.kind !== 'trigger') return null;
  const existing = document.nodes.find((n) => catalog.get(n.type, n.typeVersion)?.kind === 'trigger');
  return existing ? `This flow already starts with “${nameOf(document, catalog, existing.id)}”: a flow has exactly one trigger.` : null;
}
