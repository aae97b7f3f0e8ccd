import type { FlowDocument, FlowNode } from '@parley/flow-core';
import type { CanvasEdgeModel, CanvasGraph, CanvasNodeData, CanvasNodeModel, CanvasOutput, NodeAccent } from './canvas-graph';
import { configEntries } from './config-entries';
import type { NodeTypeInfo } from './node-type-info';
import { summarizeNodeConfig } from './summarize-node-config';

const ACCENTS: readonly NodeAccent[] = ['trigger', 'condition', 'action', 'timing', 'control'];

function accentOf(kind: string | null): NodeAccent {
  return ACCENTS.find((accent) => accent === kind) ?? 'unknown';
}

function findNodeType(node: FlowNode, nodeTypes: readonly NodeTypeInfo[]): { info: NodeTypeInfo | null; versionKnown: boolean } {
  const sameType = nodeTypes.filter((candidate) => candidate.type === node.type);
  const exact = sameType.find((candidate) => candidate.version === node.typeVersion);
  if (exact) return { info: exact, versionKnown: true };
  // An unknown version still has a name and category worth showing.
  const fallback = sameType.find((candidate) => candidate.latest) ?? sameType[0] ?? null;
  return { info: fallback, versionKnown: false };
}

function outputsOf(info: NodeTypeInfo | null, usedOutputs: readonly string[]): CanvasOutput[] {
  const outputs: CanvasOutput[] = info ? info.outputs.map((output) => ({ name: output.name, label: output.label })) : [];
  // Edges may leave from outputs the catalogue does not list (unknown types, config-dependent branches).
  for (const name of usedOutputs) {
    if (!outputs.some((output) => output.name === name)) outputs.push({ name, label: name });
  }
  return outputs;
}

function describeNode(node: FlowNode, nodeTypes: readonly NodeTypeInfo[], document: FlowDocument): CanvasNodeData {
  const { info, versionKnown } = findNodeType(node, nodeTypes);
  const usedOutputs = document.edges.filter((edge) => edge.source === node.id).map((edge) => edge.sourceOutput);
  const hasIncoming = document.edges.some((edge) => edge.target === node.id);
  const label = node.label?.trim() ? node.label.trim() : null;
  return {
    type: node.type,
    typeVersion: node.typeVersion,
    displayName: info?.displayName ?? node.type,
    label,
    category: info?.category ?? 'Unknown node type',
    accent: info ? accentOf(info.kind) : 'unknown',
    description: info?.description ?? null,
    summary: summarizeNodeConfig(node.type, node.config),
    known: info !== null,
    versionKnown,
    outputs: outputsOf(info, usedOutputs),
    acceptsInput: info?.kind !== 'trigger' || hasIncoming,
    config: configEntries(node.config, versionKnown ? info?.configSchema : null),
  };
}

function nodeName(node: CanvasNodeModel | undefined, fallback: string): string {
  if (!node) return fallback;
  return node.data.label ? `${node.data.displayName} (${node.data.label})` : node.data.displayName;
}

/** Turns a flow document into the read-only canvas model, with names from the node-type catalogue. */
export function buildCanvasGraph(document: FlowDocument, nodeTypes: readonly NodeTypeInfo[]): CanvasGraph {
  const nodes: CanvasNodeModel[] = document.nodes.map((node) => ({
    id: node.id,
    position: { x: node.position.x, y: node.position.y },
    data: describeNode(node, nodeTypes, document),
  }));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const edges: CanvasEdgeModel[] = document.edges
    // A draft may hold an edge to a deleted node; there is nothing to draw it to.
    .filter((edge) => byId.has(edge.source) && byId.has(edge.target))
    .map((edge) => {
      const label = edge.sourceOutput === 'next' ? null : edge.sourceOutput;
      const from = nodeName(byId.get(edge.source), edge.source);
      const to = nodeName(byId.get(edge.target), edge.target);
      return {
        id: edge.id,
        source: edge.source,
        sourceOutput: edge.sourceOutput,
        target: edge.target,
        label,
        description: label ? `Connection from ${from} to ${to} when “${label}”` : `Connection from ${from} to ${to}`,
      };
    });
  return { nodes, edges };
}
