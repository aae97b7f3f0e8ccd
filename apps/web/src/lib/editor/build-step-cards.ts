import { ERROR_OUTPUT, type FlowDocument, type FlowIssue, type FlowNode, type NodeCatalog, nodeOutputs } from '@parley/flow-core';
import type { NodeAccent } from '../canvas-graph';
import type { NodeTypeInfo } from '../node-type-info';
import { summarizeNodeConfig } from '../summarize-node-config';
import type { RunMark, StepCardData, StepOutput } from './editor-node-data';

const ACCENTS: readonly NodeAccent[] = ['trigger', 'condition', 'action', 'timing', 'control'];

function accentOf(kind: string | undefined): NodeAccent {
  return ACCENTS.find((accent) => accent === kind) ?? 'unknown';
}

export function findNodeTypeInfo(nodeTypes: readonly NodeTypeInfo[], type: string, version: number): NodeTypeInfo | undefined {
  return (
    nodeTypes.find((info) => info.type === type && info.version === version) ?? nodeTypes.find((info) => info.type === type && info.latest)
  );
}

function outputsOf(node: FlowNode, catalog: NodeCatalog, info: NodeTypeInfo | undefined, used: ReadonlySet<string>): StepOutput[] {
  const definition = catalog.get(node.type, node.typeVersion);
  const declared = definition ? nodeOutputs(definition, node.config) : (info?.outputs ?? []);
  const outputs = declared.map((o) => ({ name: o.name, label: o.label, open: !used.has(o.name) }));
  for (const name of used) if (!outputs.some((o) => o.name === name)) outputs.push({ name, label: name, open: false });
  return outputs;
}

function sameCard(a: StepCardData, b: StepCardData): boolean {
  return (
    a.displayName === b.displayName &&
    a.label === b.label &&
    a.category === b.category &&
    a.accent === b.accent &&
    a.summary === b.summary &&
    a.known === b.known &&
    a.acceptsInput === b.acceptsInput &&
    a.editable === b.editable &&
    a.run === b.run &&
    a.runNote === b.runNote &&
    a.counts === b.counts &&
    a.issues.join('\n') === b.issues.join('\n') &&
    a.outputs.length === b.outputs.length &&
    a.outputs.every((o, i) => o.name === b.outputs[i]?.name && o.label === b.outputs[i]?.label && o.open === b.outputs[i]?.open)
  );
}

export interface StepCardInput {
  document: FlowDocument;
  catalog: NodeCatalog;
  nodeTypes: readonly NodeTypeInfo[];
  issues: readonly FlowIssue[];
  editable: boolean;
  runMarks?: ReadonlyMap<string, RunMark>;
  runNotes?: ReadonlyMap<string, string>;
  /** Funnel counts per step (the Performance tab's overlay). */
  counts?: ReadonlyMap<string, string>;
}

/**
 * Card data for every step. A card whose content did not change keeps its
 * previous object, so memoised cards skip rendering: with hundreds of steps,
 * an edit re-renders one card, not all of them.
 */
export function buildStepCards(input: StepCardInput, previous: ReadonlyMap<string, StepCardData>): Map<string, StepCardData> {
  const { document, catalog, nodeTypes, issues, editable, runMarks, runNotes, counts } = input;
  const usedOutputs = new Map<string, Set<string>>();
  const hasIncoming = new Set<string>();
  for (const edge of document.edges) {
    const set = usedOutputs.get(edge.source) ?? new Set<string>();
    set.add(edge.sourceOutput);
    usedOutputs.set(edge.source, set);
    hasIncoming.add(edge.target);
  }
  const issuesByNode = new Map<string, string[]>();
  for (const issue of issues) {
    if (!issue.nodeId) continue;
    const list = issuesByNode.get(issue.nodeId) ?? [];
    list.push(issue.message);
    issuesByNode.set(issue.nodeId, list);
  }
  const cards = new Map<string, StepCardData>();
  for (const node of document.nodes) {
    const info = findNodeTypeInfo(nodeTypes, node.type, node.typeVersion);
    const definition = catalog.get(node.type, node.typeVersion);
    const kind = definition?.kind ?? info?.kind;
    const card: StepCardData = {
      nodeId: node.id,
      displayName: definition?.displayName ?? info?.displayName ?? node.type,
      label: node.label?.trim() ? node.label.trim() : null,
      category: definition?.category ?? info?.category ?? 'Unknown node type',
      accent: accentOf(kind),
      summary: summarizeNodeConfig(node.type, node.config),
      known: definition !== undefined || info !== undefined,
      outputs: outputsOf(node, catalog, info, usedOutputs.get(node.id) ?? new Set()),
      acceptsInput: kind !== 'trigger' || hasIncoming.has(node.id),
      issues: issuesByNode.get(node.id) ?? [],
      editable,
      run: runMarks ? (runMarks.get(node.id) ?? 'not-run') : null,
      runNote: runNotes?.get(node.id) ?? null,
      counts: counts?.get(node.id) ?? null,
    };
    const before = previous.get(node.id);
    cards.set(node.id, before && sameCard(before, card) ? before : card);
  }
  return cards;
}

export function isErrorOutput(name: string): boolean {
  return name === ERROR_OUTPUT;
}
