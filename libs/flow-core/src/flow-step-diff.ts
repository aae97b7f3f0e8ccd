/** The parts of a flow a step diff reads: enough for any version of the flow document. */
export interface DiffableNode {
  id: string;
  type: string;
  typeVersion?: number | undefined;
  label?: string | undefined;
  config?: unknown;
  settings?: unknown;
}
export interface DiffableEdge {
  source: string;
  sourceOutput: string;
  target: string;
}
export interface DiffableFlow<N extends DiffableNode = DiffableNode, E extends DiffableEdge = DiffableEdge> {
  nodes: readonly N[];
  edges: readonly E[];
  settings?: unknown;
}

/** What differs in a step kept from one version to the next. */
export type StepChange = 'type' | 'name' | 'settings' | 'retry policy';

export interface FlowStepDiff<N extends DiffableNode, E extends DiffableEdge> {
  added: N[];
  removed: N[];
  changed: { node: N; before: N; what: StepChange[] }[];
  edgesAdded: E[];
  edgesRemoved: E[];
  settingsChanged: boolean;
}

/** Stable text for comparing values: key order does not make two configs differ. */
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

/**
 * Steps added, removed and changed, connections added and removed, and
 * whether the flow's own settings changed, from `before` to `after`.
 * Positions on the canvas are not changes. The editor's version compare and
 * the audit trail's sentences both read this one diff.
 */
export function diffFlowSteps<N extends DiffableNode, E extends DiffableEdge>(
  before: DiffableFlow<N, E>,
  after: DiffableFlow<N, E>,
): FlowStepDiff<N, E> {
  const beforeById = new Map(before.nodes.map((n) => [n.id, n]));
  const afterById = new Map(after.nodes.map((n) => [n.id, n]));
  const changed: FlowStepDiff<N, E>['changed'] = [];
  for (const node of after.nodes) {
    const old = beforeById.get(node.id);
    if (!old) continue;
    const what: StepChange[] = [];
    if (old.type !== node.type || old.typeVersion !== node.typeVersion) what.push('type');
    if ((old.label ?? '') !== (node.label ?? '')) what.push('name');
    if (canonical(old.config) !== canonical(node.config)) what.push('settings');
    if (canonical(old.settings ?? {}) !== canonical(node.settings ?? {})) what.push('retry policy');
    if (what.length > 0) changed.push({ node, before: old, what });
  }
  const edgeKey = (e: DiffableEdge) => `${e.source}\u0000${e.sourceOutput}\u0000${e.target}`;
  const beforeEdges = new Set(before.edges.map(edgeKey));
  const afterEdges = new Set(after.edges.map(edgeKey));
  return {
    added: after.nodes.filter((n) => !beforeById.has(n.id)),
    removed: before.nodes.filter((n) => !afterById.has(n.id)),
    changed,
    edgesAdded: after.edges.filter((e) => !beforeEdges.has(edgeKey(e))),
    edgesRemoved: before.edges.filter((e) => !afterEdges.has(edgeKey(e))),
    settingsChanged: canonical(before.settings ?? {}) !== canonical(after.settings ?? {}),
  };
}
