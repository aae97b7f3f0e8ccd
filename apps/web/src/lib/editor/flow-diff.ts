import type { FlowDocument, FlowNode } from '@parley/flow-core';

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

/** Stable text for comparing configs: key order does not make two configs differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Steps added, removed and changed from `before` to `after` (positions are not changes). */
export function diffFlows(before: FlowDocument, after: FlowDocument, names: (type: string) => string): FlowDiff {
  const beforeById = new Map(before.nodes.map((n) => [n.id, n]));
  const afterById = new Map(after.nodes.map((n) => [n.id, n]));
  const edgeKey = (e: { source: string; sourceOutput: string; target: string }) => `${e.source} → ${e.target} (${e.sourceOutput})`;
  const beforeEdges = new Set(before.edges.map(edgeKey));
  const afterEdges = new Set(after.edges.map(edgeKey));
  const changed: NodeChange[] = [];
  for (const node of after.nodes) {
    const old = beforeById.get(node.id);
    if (!old) continue;
    const what: string[] = [];
    if (old.type !== node.type || old.typeVersion !== node.typeVersion) what.push('type');
    if ((old.label ?? '') !== (node.label ?? '')) what.push('name');
    if (canonical(old.config) !== canonical(node.config)) what.push('settings');
    if (canonical(old.settings ?? {}) !== canonical(node.settings ?? {})) what.push('retry policy');
    if (what.length > 0) changed.push({ id: node.id, name: describe(node, names), what });
  }
  return {
    added: after.nodes.filter((n) => !beforeById.has(n.id)).map((n) => ({ id: n.id, name: describe(n, names) })),
    removed: before.nodes.filter((n) => !afterById.has(n.id)).map((n) => ({ id: n.id, name: describe(n, names) })),
    changed,
    connectionsAdded: [...afterEdges].filter((e) => !beforeEdges.has(e)),
    connectionsRemoved: [...beforeEdges].filter((e) => !afterEdges.has(e)),
  };
}
