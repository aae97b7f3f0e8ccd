import type { FlowDocument, FlowEdge, FlowNode, RetryPolicy, StickyNote } from '@parley/flow-core';
import { newId } from './new-id';

/**
 * Pure edits of a flow document. Each returns a new document and leaves the
 * one it was given untouched, so undo is keeping the old one and React can
 * tell what changed by identity.
 */

export interface XY {
  x: number;
  y: number;
}

export interface NewNode {
  type: string;
  typeVersion: number;
  config: Record<string, unknown>;
  position: XY;
  label?: string;
}

/** Vertical distance between a step and the one inserted after it. */
const STEP_GAP = 170;

function takenIds(document: FlowDocument): Set<string> {
  return new Set([...document.nodes.map((n) => n.id), ...document.edges.map((e) => e.id), ...document.notes.map((n) => n.id)]);
}

function idBase(type: string): string {
  return type.split('.').pop()?.replace(/_/g, '-') ?? 'node';
}

export function addNode(document: FlowDocument, node: NewNode): { document: FlowDocument; id: string } {
  const id = newId(idBase(node.type), takenIds(document));
  const created: FlowNode = { id, type: node.type, typeVersion: node.typeVersion, position: node.position, config: node.config };
  if (node.label) created.label = node.label;
  return { document: { ...document, nodes: [...document.nodes, created] }, id };
}

export function connectNodes(document: FlowDocument, connection: { source: string; sourceOutput: string; target: string }): FlowDocument {
  const exists = document.edges.some(
    (e) => e.source === connection.source && e.sourceOutput === connection.sourceOutput && e.target === connection.target,
  );
  if (exists) return document;
  const id = newId(`${connection.source}-${connection.sourceOutput}`, takenIds(document));
  return { ...document, edges: [...document.edges, { id, ...connection }] };
}

/**
 * Adds a step after `source`'s output. When that output already leads
 * somewhere, the new step goes in between and carries on to the old target
 * through its own first output.
 */
export function insertAfter(
  document: FlowDocument,
  at: { source: string; sourceOutput: string },
  node: Omit<NewNode, 'position'>,
  firstOutput: string | null,
): { document: FlowDocument; id: string } {
  const source = document.nodes.find((n) => n.id === at.source);
  const existing = document.edges.find((e) => e.source === at.source && e.sourceOutput === at.sourceOutput);
  const target = existing ? document.nodes.find((n) => n.id === existing.target) : undefined;
  const base = source?.position ?? { x: 0, y: 0 };
  const position = target
    ? { x: (base.x + target.position.x) / 2, y: (base.y + target.position.y) / 2 }
    : { x: base.x, y: base.y + STEP_GAP };
  const added = addNode(document, { ...node, position });
  let next = added.document;
  if (existing) next = { ...next, edges: next.edges.filter((e) => e.id !== existing.id) };
  next = connectNodes(next, { source: at.source, sourceOutput: at.sourceOutput, target: added.id });
  if (existing && firstOutput) next = connectNodes(next, { source: added.id, sourceOutput: firstOutput, target: existing.target });
  return { document: next, id: added.id };
}

export interface Selection {
  nodeIds: readonly string[];
  edgeIds: readonly string[];
  noteIds: readonly string[];
}

export const EMPTY_SELECTION: Selection = { nodeIds: [], edgeIds: [], noteIds: [] };

export function isSelectionEmpty(selection: Selection): boolean {
  return selection.nodeIds.length === 0 && selection.edgeIds.length === 0 && selection.noteIds.length === 0;
}

/** Removes the selected nodes (with their connections), connections and notes. */
export function removeElements(document: FlowDocument, selection: Selection): FlowDocument {
  const nodes = new Set(selection.nodeIds);
  const edges = new Set(selection.edgeIds);
  const notes = new Set(selection.noteIds);
  return {
    ...document,
    nodes: document.nodes.filter((n) => !nodes.has(n.id)),
    edges: document.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
    notes: document.notes.filter((n) => !notes.has(n.id)),
  };
}

export function updateNode(document: FlowDocument, id: string, change: { config?: Record<string, unknown>; label?: string }): FlowDocument {
  return {
    ...document,
    nodes: document.nodes.map((node) => {
      if (node.id !== id) return node;
      const updated: FlowNode = { ...node };
      if (change.config !== undefined) updated.config = change.config;
      if (change.label !== undefined) {
        if (change.label.trim() === '') delete updated.label;
        else updated.label = change.label;
      }
      return updated;
    }),
  };
}

/** Sets a step's own retry policy, or (null) goes back to its node type's default. */
export function setNodeRetry(document: FlowDocument, id: string, retry: RetryPolicy | null): FlowDocument {
  const node = document.nodes.find((n) => n.id === id);
  if (!node) return document;
  const current = node.settings?.retry;
  if (retry === null && current === undefined) return document;
  if (
    retry &&
    current &&
    retry.retries === current.retries &&
    retry.delaySeconds === current.delaySeconds &&
    retry.backoff === current.backoff
  )
    return document;
  return {
    ...document,
    nodes: document.nodes.map((n) => {
      if (n.id !== id) return n;
      const { retry: _previous, ...otherSettings } = n.settings ?? {};
      const settings = retry ? { ...otherSettings, retry } : otherSettings;
      const updated: FlowNode = { ...n, settings };
      // An empty settings object is left out, so a step that never had one saves as before.
      if (Object.keys(settings).length === 0) delete updated.settings;
      return updated;
    }),
  };
}

export function moveElements(
  document: FlowDocument,
  positions: ReadonlyMap<string, XY>,
  notePositions: ReadonlyMap<string, XY>,
): FlowDocument {
  const moved = (id: string, at: XY, map: ReadonlyMap<string, XY>) => {
    const position = map.get(id);
    return position !== undefined && (position.x !== at.x || position.y !== at.y);
  };
  // A click that ended a zero-length drag must not become an undo step.
  if (
    !document.nodes.some((n) => moved(n.id, n.position, positions)) &&
    !document.notes.some((n) => moved(n.id, n.position, notePositions))
  )
    return document;
  return {
    ...document,
    nodes: document.nodes.map((node) => {
      const position = positions.get(node.id);
      return position ? { ...node, position } : node;
    }),
    notes: document.notes.map((note) => {
      const position = notePositions.get(note.id);
      return position ? { ...note, position } : note;
    }),
  };
}

export function addNote(document: FlowDocument, position: XY, text: string): { document: FlowDocument; id: string } {
  const id = newId('note', takenIds(document));
  const note: StickyNote = { id, text, position, width: 220, height: 140 };
  return { document: { ...document, notes: [...document.notes, note] }, id };
}

export function updateNote(document: FlowDocument, id: string, text: string): FlowDocument {
  return { ...document, notes: document.notes.map((note) => (note.id === id ? { ...note, text } : note)) };
}

/** Nodes, the connections between them, and notes: what copy, paste and duplicate move around. */
export interface FlowFragment {
  nodes: FlowNode[];
  edges: FlowEdge[];
  notes: StickyNote[];
}

export function extractFragment(document: FlowDocument, selection: Selection): FlowFragment {
  const nodeIds = new Set(selection.nodeIds);
  const noteIds = new Set(selection.noteIds);
  return {
    nodes: document.nodes.filter((n) => nodeIds.has(n.id)),
    edges: document.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target)),
    notes: document.notes.filter((n) => noteIds.has(n.id)),
  };
}

/** Adds a copy of `fragment` with fresh ids, shifted by `offset`; returns what to select afterwards. */
export function pasteFragment(
  document: FlowDocument,
  fragment: FlowFragment,
  offset: XY,
): { document: FlowDocument; selection: Selection } {
  const taken = takenIds(document);
  const rename = new Map<string, string>();
  const fresh = (id: string): string => {
    const created = newId(id, taken);
    taken.add(created);
    return created;
  };
  const nodes = fragment.nodes.map((node) => {
    const id = fresh(node.id);
    rename.set(node.id, id);
    return { ...node, id, position: { x: node.position.x + offset.x, y: node.position.y + offset.y } };
  });
  const edges = fragment.edges.flatMap((edge) => {
    const source = rename.get(edge.source);
    const target = rename.get(edge.target);
    return source && target ? [{ ...edge, id: fresh(edge.id), source, target }] : [];
  });
  const notes = fragment.notes.map((note) => ({
    ...note,
    id: fresh(note.id),
    position: { x: note.position.x + offset.x, y: note.position.y + offset.y },
  }));
  return {
    document: {
      ...document,
      nodes: [...document.nodes, ...nodes],
      edges: [...document.edges, ...edges],
      notes: [...document.notes, ...notes],
    },
    selection: { nodeIds: nodes.map((n) => n.id), edgeIds: [], noteIds: notes.map((n) => n.id) },
  };
}
