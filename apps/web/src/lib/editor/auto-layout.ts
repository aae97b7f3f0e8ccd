import type { FlowDocument } from '@parley/flow-core';
import type { XY } from './flow-edits';

const DEFAULT_SIZE = { width: 248, height: 120 };

/**
 * Tidy positions for every step, top to bottom in the order the flow runs
 * (ELK's layered layout). Loaded on first use: most sessions never ask for it.
 */
export async function autoLayout(
  document: FlowDocument,
  sizes: Readonly<Record<string, { width: number; height: number }>>,
): Promise<Map<string, XY>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const ids = new Set(document.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '56',
      'elk.layered.spacing.nodeNodeBetweenLayers': '72',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: document.nodes.map((node) => ({ id: node.id, ...(sizes[node.id] ?? DEFAULT_SIZE) })),
    edges: document.edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  });
  const positions = new Map<string, XY>();
  for (const child of graph.children ?? []) positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  return positions;
}
