import { createNodeCatalog, diffFlowSteps, type StepChange } from '@parley/flow-core';
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
  const diff = diffFlowSteps(before, after);
  const byId = new Map([...before.nodes, ...after.nodes].map((n) => [n.id, n]));
  const nameOf = (id: string) => {
    const node = byId.get(id);
    return node ? stepName(node) : `“${id}”`;
  };
  for (const node of diff.added) sentences.push(`Added the step ${stepName(node)}.`);
  for (const node of diff.removed) sentences.push(`Removed the step ${stepName(node)}.`);
  const words: Record<StepChange, (old: DiffableNode) => string> = {
    type: () => 'its type',
    name: (old) => `its name (was “${old.label ?? ''}”)`,
    settings: () => 'its settings',
    'retry policy': () => 'its retry policy',
  };
  for (const change of diff.changed) {
    sentences.push(`Changed ${listed(change.what.map((w) => words[w](change.before)))} of the step ${stepName(change.node)}.`);
  }
  const edgeText = (e: DiffableFlow['edges'][number]) => `${nameOf(e.source)} (${e.sourceOutput}) to ${nameOf(e.target)}`;
  for (const edge of diff.edgesAdded) sentences.push(`Connected ${edgeText(edge)}.`);
  for (const edge of diff.edgesRemoved) sentences.push(`Disconnected ${edgeText(edge)}.`);
  if (diff.settingsChanged) sentences.push('Changed the flow’s settings.');
  return sentences;
}
