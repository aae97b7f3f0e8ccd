import { type FlowDocument, type NodeCatalog, nodeOutputs } from '@parley/flow-core';
import type { StepCardData } from './editor-node-data';

/**
 * The words a step's output goes by, as its definition names it ("Yes" and
 * "No" for If / else): the same on the editor's connections, in test runs and
 * in the replay. An output the definition no longer has keeps its id.
 */
export function outputLabel(card: StepCardData | undefined, outputName: string): string {
  return card?.outputs.find((output) => output.name === outputName)?.label ?? outputName;
}

/** The label a connection shows: none for a step's ordinary "next" output. */
export function connectionLabel(card: StepCardData | undefined, outputName: string): string | null {
  return outputName === 'next' ? null : outputLabel(card, outputName);
}

/** The same words, read from the document and the catalogue (where no card is at hand, e.g. the test run's list of steps). */
export function documentOutputLabel(document: FlowDocument, catalog: NodeCatalog, nodeId: string, outputName: string): string {
  const node = document.nodes.find((n) => n.id === nodeId);
  const definition = node ? catalog.get(node.type, node.typeVersion) : undefined;
  if (!node || !definition) return outputName;
  return nodeOutputs(definition, node.config).find((output) => output.name === outputName)?.label ?? outputName;
}
