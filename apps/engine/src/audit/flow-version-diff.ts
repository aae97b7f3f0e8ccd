import { createNodeCatalog } from '@parley/flow-core';
import { NODE_DEFINITIONS } from '@parley/nodes';
import { z } from 'zod';

/** The parts of a flow document a diff reads; anything else in it is ignored, so an older schema still diffs. */
const diffableFlow = z.looseObject({
  nodes: z.array(
    z.looseObject({
      id: z.string(),
      type: z.string(),
      typeVersion: z.number().optional(),
      label: z.string().optional(),
      config: z.unknown().optional(),
      settings: z.unknown().optional(),
    }),
  ),
  edges: z.array(z.looseObject({ source: z.string(), sourceOutput: z.string(), target: z.string() })),
  settings: z.unknown().optional(),
});
type DiffableFlow = z.infer<typeof diffableFlow>;
type DiffableNode = DiffableFlow['nodes'][number];

const catalog = createNodeCatalog(NODE_DEFINITIONS);

/** A flow document as the diff reads it, or null when `value` is not one. */
export function parseDiffableFlow(value: unknown): DiffableFlow | null {
  const parsed = diffableFlow.safeParse(value);
  return parsed.success ? parsed.data : null;
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

function stepName(node: DiffableNode): string {
  const typeName = catalog.latest(node.type)?.displayName ?? node.type;
  return node.label?.trim() ? `“${node.label.trim()}” (${typeName})` : `“${typeName}” (${node.id})`;
}

function listed(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * What changed from one version of a flow to the next, in sentences an admin
 * reads on the audit page: steps added, removed and changed (and what about
 * them), connections added and removed, the flow's own settings. Positions on
 * the canvas are not changes. `before` null: the first version.
 */
export function describeFlowChange(before: DiffableFlow | null, after: DiffableFlow): string[] {
  if (!before) {
    const count = after.nodes.length;
    return [`First version: ${count} step${count === 1 ? '' : 's'} (${listed(after.nodes.map(stepName))}).`];
  }
  const sentences: string[] = [];
  const beforeById = new Map(before.nodes.map((n) => [n.id, n]));
  const afterById = new Map(after.nodes.map((n) => [n.id, n]));
  const nameOf = (id: string) => {
    const node = afterById.get(id) ?? beforeById.get(id);
    return node ? stepName(node) : `“${id}”`;
  };
  for (const node of after.nodes) if (!beforeById.has(node.id)) sentences.push(`Added the step ${stepName(node)}.`);
  for (const node of before.nodes) if (!afterById.has(node.id)) sentences.push(`Removed the step ${stepName(node)}.`);
  for (const node of after.nodes) {
    const old = beforeById.get(node.id);
    if (!old) continue;
    const what: string[] = [];
    if (old.type !== node.type || old.typeVersion !== node.typeVersion) what.push('its type');
    if ((old.label ?? '') !== (node.label ?? '')) what.push(`its name (was “${old.label ?? ''}”)`);
    if (canonical(old.config) !== canonical(node.config)) what.push('its settings');
    if (canonical(old.settings ?? {}) !== canonical(node.settings ?? {})) what.push('its retry policy');
    if (what.length > 0) sentences.push(`Changed ${listed(what)} of the step ${stepName(node)}.`);
  }
  const edgeKey = (e: DiffableFlow['edges'][number]) => `${e.source}\u0000${e.sourceOutput}\u0000${e.target}`;
  const beforeEdges = new Map(before.edges.map((e) => [edgeKey(e), e]));
  const afterEdges = new Map(after.edges.map((e) => [edgeKey(e), e]));
  const edgeText = (e: DiffableFlow['edges'][number]) => `${nameOf(e.source)} (${e.sourceOutput}) to ${nameOf(e.target)}`;
  for (const [key, edge] of afterEdges) if (!beforeEdges.has(key)) sentences.push(`Connected ${edgeText(edge)}.`);
  for (const [key, edge] of beforeEdges) if (!afterEdges.has(key)) sentences.push(`Disconnected ${edgeText(edge)}.`);
  if (canonical(before.settings ?? {}) !== canonical(after.settings ?? {})) sentences.push('Changed the flow’s settings.');
  return sentences;
}
