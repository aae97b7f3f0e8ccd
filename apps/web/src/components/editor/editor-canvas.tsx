'use client';

import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type EdgeChange,
  type EdgeTypes,
  type FinalConnectionState,
  MarkerType,
  MiniMap,
  type NodeChange,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';
import { buildStepCards } from '@/lib/editor/build-step-cards';
import { connectionProblem } from '@/lib/editor/connection-problem';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import type { CanvasNode, StepCardData } from '@/lib/editor/editor-node-data';
import { noteElementId } from '@/lib/editor/editor-store';
import { connectNodes, type Selection, type XY } from '@/lib/editor/flow-edits';
import { connectionLabel } from '@/lib/editor/output-label';
import { placeStep } from '@/lib/editor/place-step';
import { replayPath } from '@/lib/editor/replay-path';
import { runEdgeLook } from '@/lib/editor/run-path-style';
import { stepAriaLabel } from '@/lib/editor/step-aria-label';
import { describeWait } from '@/lib/editor/test-run-status';
import { CanvasNotice } from './canvas-notice';
import { MINIMAP_COLORS } from './minimap-colors';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './editor-canvas.module.css';
import { useFlowIssues } from './flow-issues-context';
import { PALETTE_MIME, parsePaletteDrag } from './palette-drag';
import { StepEdge, type StepFlowEdge } from './step-edge';
import { StepCard } from './step-card';
import { StickyNote } from './sticky-note';

// Module level: new objects on every render would make React Flow remount every node.
const nodeTypes = { step: StepCard, note: StickyNote } satisfies NodeTypes;
const edgeTypes = { step: StepEdge } satisfies EdgeTypes;
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 };
const MINIMAP_STYLE = { width: 160, height: 104 };
const EDGE_COLOR = '#98a2b3';
const MARKER = { type: MarkerType.ArrowClosed, width: 18, height: 18, color: EDGE_COLOR };
const EDGE_STYLE = { stroke: EDGE_COLOR, strokeWidth: 1.5 };
/** Above this many steps only those in view are rendered. */
const VIRTUALIZE_FROM = 120;

function miniMapColor(node: CanvasNode): string {
  return node.type === 'note' ? '#fde68a' : MINIMAP_COLORS[node.data.accent];
}

function cardName(card: StepCardData | undefined, fallback: string): string {
  if (!card) return fallback;
  return card.label ? `${card.displayName} (${card.label})` : card.displayName;
}

function samePosition(a: XY, b: XY): boolean {
  return a.x === b.x && a.y === b.y;
}

/** The editable canvas of the open flow. */
export function EditorCanvas() {
  const { store, nodeTypes: infos, editable } = useEditorContext();
  const issues = useFlowIssues();
  const document = useEditorState((s) => s.document);
  const selection = useEditorState((s) => s.selection);
  const dragPositions = useEditorState((s) => s.dragPositions);
  const measured = useEditorState((s) => s.measured);
  // The test run shown, if any: it marks steps and connections, and is never part of the document.
  const testExecution = useEditorState((s) => (s.testMode ? (s.testRun?.execution ?? null) : null));
  // The funnel (Performance tab), shown only while editing: test mode shows one run instead.
  const overlay = useEditorState((s) => (s.testMode ? null : s.funnelOverlay));
  const { screenToFlowPosition } = useReactFlow();
  // Fit only a flow that opens with steps: fitting later would jump the view when the first step is dropped.
  const [fitOnOpen] = useState(() => document.nodes.length > 0);

  const runPath = useMemo(() => (testExecution ? replayPath(document, testExecution.steps) : null), [document, testExecution]);
  const runNotes = useMemo(() => {
    const wait = testExecution?.status === 'waiting' ? testExecution.pendingWait : null;
    return wait ? new Map([[wait.nodeId, describeWait(wait)]]) : undefined;
  }, [testExecution]);

  const cardsRef = useRef(new Map<string, StepCardData>());
  const cards = useMemo(() => {
    const next = buildStepCards(
      { document, catalog: editorCatalog, nodeTypes: infos, issues, editable, runMarks: runPath?.marks, runNotes, counts: overlay?.steps },
      cardsRef.current,
    );
    cardsRef.current = next;
    return next;
  }, [document, infos, issues, editable, runPath, runNotes, overlay]);

  const nodeCache = useRef(new Map<string, CanvasNode>());
  const nodes = useMemo(() => {
    const selectedNodes = new Set(selection.nodeIds);
    const selectedNotes = new Set(selection.noteIds);
    const previous = nodeCache.current;
    const next = new Map<string, CanvasNode>();
    const list: CanvasNode[] = [];
    for (const note of document.notes) {
      const id = noteElementId(note.id);
      const position = dragPositions?.get(id) ?? note.position;
      const selected = selectedNotes.has(note.id);
      const size = measured[id];
      const before = previous.get(id);
      const reuse =
        before?.type === 'note' &&
        before.data.text === note.text &&
        before.data.editable === editable &&
        before.selected === selected &&
        samePosition(before.position, position) &&
        before.measured === size;
      const element: CanvasNode = reuse
        ? before
        : {
            id,
            type: 'note',
            position,
            data: { noteId: note.id, text: note.text, editable },
            selected,
            measured: size,
            draggable: editable,
            connectable: false,
            deletable: false,
            zIndex: -1,
            ariaLabel: 'Sticky note',
          };
      next.set(id, element);
      list.push(element);
    }
    for (const node of document.nodes) {
      const data = cards.get(node.id);
      if (!data) continue;
      const position = dragPositions?.get(node.id) ?? node.position;
      const selected = selectedNodes.has(node.id);
      const size = measured[node.id];
      const before = previous.get(node.id);
      const reuse =
        before?.type === 'step' &&
        before.data === data &&
        before.selected === selected &&
        samePosition(before.position, position) &&
        before.measured === size;
      const element: CanvasNode = reuse
        ? before
        : {
            id: node.id,
            type: 'step',
            position,
            data,
            selected,
            measured: size,
            draggable: editable,
            connectable: editable,
            deletable: false,
            ariaLabel: stepAriaLabel(data),
          };
      next.set(node.id, element);
      list.push(element);
    }
    nodeCache.current = next;
    return list;
  }, [document, cards, selection, dragPositions, measured, editable]);

  const edges = useMemo(() => {
    const selected = new Set(selection.edgeIds);
    const travelled = runPath?.travelled;
    return document.edges
      .filter((edge) => cards.has(edge.source) && cards.has(edge.target))
      .map((edge): StepFlowEdge => {
        const from = cards.get(edge.source);
        const outputLabel = connectionLabel(from, edge.sourceOutput);
        const names = `${cardName(from, edge.source)} to ${cardName(cards.get(edge.target), edge.target)}`;
        const description = outputLabel ? `Connection from ${names} when “${outputLabel}”` : `Connection from ${names}`;
        const taken = travelled?.has(edge.id) ?? false;
        const count = overlay?.edgesKnown ? (overlay.edges.get(edge.id) ?? 0) : null;
        const counted = count === null ? description : `${description}: ${count} ${count === 1 ? 'run' : 'runs'} took it`;
        return {
          id: edge.id,
          type: 'step',
          source: edge.source,
          sourceHandle: edge.sourceOutput,
          target: edge.target,
          selected: selected.has(edge.id),
          deletable: false,
          reconnectable: false,
          ariaLabel: travelled ? `${taken ? 'Taken' : 'Not taken'}: ${description}` : counted,
          ...(travelled ? runEdgeLook(taken) : { markerEnd: MARKER, style: EDGE_STYLE }),
          data: { sourceOutput: edge.sourceOutput, outputLabel, description, travelled: taken, taken: count },
        };
      });
  }, [document.edges, cards, selection.edgeIds, runPath, overlay]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const state = store.getState();
      const dragging = new Map(state.dragPositions ?? []);
      const finished = new Map<string, XY>();
      const sizes: Record<string, { width: number; height: number }> = {};
      const nodeIds = new Set(state.selection.nodeIds);
      const noteIds = new Set(state.selection.noteIds);
      let dragChanged = false;
      let selectionChanged = false;
      for (const change of changes) {
        if (change.type === 'position') {
          if (change.dragging) {
            if (change.position) {
              dragging.set(change.id, change.position);
              dragChanged = true;
            }
          } else {
            const position = change.position ?? dragging.get(change.id);
            if (position) finished.set(change.id, position);
            dragging.delete(change.id);
            dragChanged = true;
          }
        } else if (change.type === 'dimensions' && change.dimensions) {
          sizes[change.id] = change.dimensions;
        } else if (change.type === 'select') {
          const isNote = change.id.startsWith('note:');
          const set = isNote ? noteIds : nodeIds;
          const id = isNote ? change.id.slice(5) : change.id;
          if (change.selected) set.add(id);
          else set.delete(id);
          selectionChanged = true;
        }
      }
      if (Object.keys(sizes).length > 0) state.setMeasured(sizes);
      if (selectionChanged) state.select({ nodeIds: [...nodeIds], edgeIds: state.selection.edgeIds, noteIds: [...noteIds] });
      if (finished.size > 0 && editable) {
        state.setDragPositions(dragging.size > 0 ? dragging : null);
        state.commitDrag(finished);
      } else if (dragChanged && editable) {
        state.setDragPositions(dragging.size > 0 ? dragging : null);
      }
    },
    [store, editable],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<StepFlowEdge>[]) => {
      const state = store.getState();
      const edgeIds = new Set(state.selection.edgeIds);
      let changed = false;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        if (change.selected) edgeIds.add(change.id);
        else edgeIds.delete(change.id);
        changed = true;
      }
      if (changed) {
        const next: Selection = { ...state.selection, edgeIds: [...edgeIds] };
        state.select(next);
      }
    },
    [store],
  );

  const problemOf = useCallback(
    (connection: { source: string; sourceHandle?: string | null; target: string }): string | null => {
      if (!connection.sourceHandle) return 'Connect from one of the step’s outputs, at its bottom edge.';
      return connectionProblem(store.getState().document, editorCatalog, {
        source: connection.source,
        sourceOutput: connection.sourceHandle,
        target: connection.target,
      });
    },
    [store],
  );

  const isValidConnection = useCallback(
    (connection: { source: string; sourceHandle?: string | null; target: string }) => {
      const problem = problemOf(connection);
      store.getState().setNotice(problem ? `Cannot connect: ${problem}` : null);
      return problem === null;
    },
    [problemOf, store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const problem = problemOf(connection);
      const state = store.getState();
      if (problem || !connection.sourceHandle) {
        state.setNotice(`Cannot connect: ${problem ?? 'no output chosen'}`);
        return;
      }
      const sourceOutput = connection.sourceHandle;
      state.edit((current) => connectNodes(current, { source: connection.source, sourceOutput, target: connection.target }));
      state.setNotice(null);
    },
    [problemOf, store],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, result: FinalConnectionState) => {
      // Dropped on nothing: forget a refusal shown while passing over a step.
      if (!result.toNode) store.getState().setNotice(null);
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const dragged = parsePaletteDrag(event.dataTransfer.getData(PALETTE_MIME));
      if (!dragged || !editable) return;
      event.preventDefault();
      const info = infos.find((candidate) => candidate.type === dragged.type && candidate.version === dragged.version);
      if (!info) return;
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      placeStep(store, info, { x: Math.round(point.x - 124), y: Math.round(point.y - 30) });
    },
    [editable, infos, screenToFlowPosition, store],
  );

  return (
    <section className={styles.canvas} aria-label="Flow canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CanvasNode, StepFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        nodesDraggable={editable}
        nodesConnectable={editable}
        edgesReconnectable={false}
        elementsSelectable
        deleteKeyCode={null}
        selectionOnDrag={false}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={document.nodes.length >= VIRTUALIZE_FROM}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#c7cdd6" />
        <Controls showInteractive={false} />
        <MiniMap<CanvasNode> nodeColor={miniMapColor} nodeBorderRadius={6} pannable zoomable style={MINIMAP_STYLE} ariaLabel="Minimap" />
      </ReactFlow>
      {document.nodes.length === 0 ? (
        <div className={styles.empty} role="status">
          <h2>Start with a trigger</h2>
          <p>
            {editable
              ? 'Drag “Message received” or another trigger from the list of steps onto the canvas.'
              : 'This flow has no steps yet.'}
          </p>
        </div>
      ) : null}
      <CanvasNotice />
    </section>
  );
}
