import { diffFlowSteps, type FlowDocument, type FlowNode } from '@parley/flow-core';

export interface NodeChange {
  id: string;
  name: string;
  /** What differs, in words: "settings", "name", "type". */
  what: string[];
}

export interface FlowDiff {
  added: { id: string; name: string }[];
  removed: { id: string; name: string }[];
  changed: NodeChange[];
  connectionsAdded: string[];
  connectionsRemoved: string[];
}

function describe(node: FlowNode, names: (type: string) => string): string {
  return node.label?.trim() ? `${node.label} (${names(node.type)})` : names(node.type);
}

/** Steps added, removed and changed from `before` to `after` (positions are not changes), named for the version compare. */
export function diffFlows(before: FlowDocument, after: FlowDocument, names: (type: string) => string): FlowDiff {
  const diff = diffFlowSteps(before, after);
  const edgeText = (e: { source: string; sourceOutput: string; target: string }) => `${e.source} → ${e.target} (${e.sourceOutput})`;
  return {
    added: diff.added.map((n) => ({ id: n.id, name: describe(n, names) })),
    removed: diff.removed.map((n) => ({ id: n.id, name: describe(n, names) })),
    changed: diff.changed.map((c) => ({ id: c.node.id, name: describe(c.node, names), what: c.what })),
    connectionsAdded: diff.edgesAdded.map(edgeText),
    connectionsRemoved: diff.edgesRemoved.map(edgeText),
  };
}
