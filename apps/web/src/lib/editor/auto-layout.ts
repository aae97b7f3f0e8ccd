import { ERROR_OUTPUT, type FlowDocument, nodeOutputs } from '@parley/flow-core';
import { editorCatalog } from './editor-catalog';
import type { XY } from './flow-edits';

const DEFAULT_SIZE = { width: 248, height: 120 };

type Size = { width: number; height: number };

/** Not an output name a node can have (output names are identifiers). */
const INPUT = ' in';

function portId(nodeId: string, output: string): string {
  return `port:${nodeId}:${output}`;
}

/** Where a step card draws its outputs: along the bottom edge, evenly spaced; "On error" on the right edge. */
function outputPorts(node: FlowDocument['nodes'][number], size: Size) {
  const definition = editorCatalog.get(node.type, node.typeVersion);
  const names = definition ? nodeOutputs(definition, node.config).map((output) => output.name) : ['next'];
  const main = names.filter((name) => name !== ERROR_OUTPUT);
  // Connections arrive at the middle of the card's top edge, where its input handle is.
  const input = { id: portId(node.id, INPUT), x: Math.round(size.width / 2), y: 0, layoutOptions: { 'elk.port.side': 'NORTH' } };
  const ports = main.map((name, index) => ({
    id: portId(node.id, name),
    x: Math.round(((index + 1) / (main.length + 1)) * size.width),
    y: size.height,
    layoutOptions: { 'elk.port.side': 'SOUTH' },
  }));
  if (names.includes(ERROR_OUTPUT)) {
    ports.push({
      id: portId(node.id, ERROR_OUTPUT),
      x: size.width,
      y: Math.round(size.height / 2),
      layoutOptions: { 'elk.port.side': 'EAST' },
    });
  }
  return [input, ...ports];
}

/**
 * Tidy positions for every step, top to bottom in the order the flow runs
 * (ELK's layered layout). Each output leaves from where the card draws it, so
 * "Yes" goes left and "No" right, as on the card. Loaded on first use: most
 * sessions never ask for it.
 */
export async function autoLayout(document: FlowDocument, sizes: Readonly<Record<string, Size>>): Promise<Map<string, XY>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const ids = new Set(document.nodes.map((n) => n.id));
  const children = document.nodes.map((node) => {
    const size = sizes[node.id] ?? DEFAULT_SIZE;
    return { id: node.id, ...size, ports: outputPorts(node, size), layoutOptions: { 'elk.portConstraints': 'FIXED_POS' } };
  });
  const ports = new Set(children.flatMap((child) => child.ports.map((port) => port.id)));
  const graph = await elk.layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '56',
      'elk.layered.spacing.nodeNodeBetweenLayers': '72',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children,
    edges: document.edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => {
        // An output the step's type no longer declares still leaves from the step.
        const port = portId(edge.source, edge.sourceOutput);
        return { id: edge.id, sources: [ports.has(port) ? port : edge.source], targets: [portId(edge.target, INPUT)] };
      }),
  });
  const positions = new Map<string, XY>();
  for (const child of graph.children ?? []) positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  return positions;
}
