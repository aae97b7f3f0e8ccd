import type { FlowDocument } from '@parley/flow-core';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExecutionDetail } from '../execution-view';
import type { FunnelOverlay } from '../reports/funnel-overlay';
import { EMPTY_SELECTION, moveElements, type Selection, type XY } from './flow-edits';

/** Undo keeps at least this many steps (the issue asks for 100). */
export const HISTORY_LIMIT = 200;

/** Edits with the same key within this time are one undo step (typing a word is one change). */
export const COALESCE_MS = 1000;

export type SaveStatus = 'saved' | 'unsaved' | 'saving' | 'error' | 'conflict';

export interface PublishedInfo {
  version: number;
  publishedAt: string;
}

export interface LoadedFlow {
  name: string;
  description: string;
  revision: number;
  document: FlowDocument;
  published: PublishedInfo | null;
}

/** React Flow id of a sticky note, kept apart from node ids. */
export function noteElementId(noteId: string): string {
  return `note:${noteId}`;
}

/** A test run being watched on the canvas: view state, never part of the flow document. */
export interface TestRunView {
  executionId: string;
  /** The latest answer of GET /api/executions/:id; null until the first one arrives. */
  execution: ExecutionDetail | null;
}

export interface EditorState {
  flowId: string;
  name: string;
  /** What the flow is for; a template brings its own, which the marketer is meant to read and adjust. */
  description: string;
  /** The draft revision the last successful save (or load) returned: the version token for the next save. */
  revision: number;
  /** The flow as edited: what gets saved, undone and validated. */
  document: FlowDocument;
  /** The document the server has, to tell whether there is anything to save. */
  savedDocument: FlowDocument;
  past: FlowDocument[];
  future: FlowDocument[];
  lastEditKey: string | null;
  lastEditAt: number;
  // View state below: never saved, never undone.
  selection: Selection;
  /** Positions of elements being dragged (React Flow ids), applied to the document when the drag ends. */
  dragPositions: ReadonlyMap<string, XY> | null;
  /** Sizes React Flow measured, which it needs back on every node it is given. */
  measured: Readonly<Record<string, { width: number; height: number }>>;
  saveStatus: SaveStatus;
  saveMessage: string | null;
  /** A short explanation shown over the canvas (a refused connection, a paste that found nothing). */
  notice: string | null;
  published: PublishedInfo | null;
  /** Test mode: the canvas shows test runs instead of being edited. */
  testMode: boolean;
  testRun: TestRunView | null;
  /** The flow's funnel drawn on the canvas (Performance tab, "Show counts on the canvas"); never part of the document. */
  funnelOverlay: FunnelOverlay | null;
}

export interface EditorActions {
  edit(change: (document: FlowDocument) => FlowDocument, options?: { key?: string; select?: Selection }): void;
  undo(): void;
  redo(): void;
  select(selection: Selection): void;
  setDragPositions(positions: ReadonlyMap<string, XY> | null): void;
  commitDrag(positions: ReadonlyMap<string, XY>): void;
  setMeasured(sizes: Readonly<Record<string, { width: number; height: number }>>): void;
  setSaveState(status: SaveStatus, message?: string | null): void;
  markSaved(document: FlowDocument, revision: number): void;
  /** The name and description were saved (they share the draft's revision token). */
  markDetailsSaved(details: { name: string; description: string }, revision: number): void;
  /**
   * Lays the flow out as it opens (a flow just made from a template): the
   * document changes and is saved, but it is not an undo step (undoing it
   * would only bring back the overlap).
   */
  applyOpeningLayout(positions: ReadonlyMap<string, XY>): void;
  setNotice(notice: string | null): void;
  setPublished(published: PublishedInfo | null): void;
  /** Enters or leaves test mode; leaving forgets the run shown, so the canvas is back to the draft alone. */
  setTestMode(on: boolean): void;
  setTestRun(run: TestRunView | null): void;
  setFunnelOverlay(overlay: FunnelOverlay | null): void;
  /** Records a poll's answer, unless the run it belongs to is no longer the one shown. */
  updateTestExecution(execution: ExecutionDetail): void;
  /** Replaces everything with the server's copy (reload after a conflict, a restore). */
  load(flow: LoadedFlow): void;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

function sameSelection(a: Selection, b: Selection): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((id, i) => id === y[i]);
  return same(a.nodeIds, b.nodeIds) && same(a.edgeIds, b.edgeIds) && same(a.noteIds, b.noteIds);
}

/** Drops selected ids that an undo or a reload removed. */
function keepExisting(selection: Selection, document: FlowDocument): Selection {
  const nodes = new Set(document.nodes.map((n) => n.id));
  const edges = new Set(document.edges.map((e) => e.id));
  const notes = new Set(document.notes.map((n) => n.id));
  return {
    nodeIds: selection.nodeIds.filter((id) => nodes.has(id)),
    edgeIds: selection.edgeIds.filter((id) => edges.has(id)),
    noteIds: selection.noteIds.filter((id) => notes.has(id)),
  };
}

export function createEditorStore(flowId: string, flow: LoadedFlow, now: () => number = Date.now): EditorStore {
  return createStore<EditorState & EditorActions>()((set, get) => ({
    flowId,
    name: flow.name,
    description: flow.description,
    revision: flow.revision,
    document: flow.document,
    savedDocument: flow.document,
    past: [],
    future: [],
    lastEditKey: null,
    lastEditAt: 0,
    selection: EMPTY_SELECTION,
    dragPositions: null,
    measured: {},
    saveStatus: 'saved',
    saveMessage: null,
    notice: null,
    published: flow.published,
    testMode: false,
    testRun: null,
    funnelOverlay: null,

    edit(change, options = {}) {
      const state = get();
      const next = change(state.document);
      if (next === state.document) return;
      const at = now();
      const key = options.key ?? null;
      const coalesce = key !== null && key === state.lastEditKey && at - state.lastEditAt < COALESCE_MS;
      const past = coalesce ? state.past : [...state.past, state.document].slice(-HISTORY_LIMIT);
      set({
        document: next,
        past,
        future: [],
        lastEditKey: key,
        lastEditAt: at,
        selection: options.select ?? keepExisting(state.selection, next),
        saveStatus: state.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
      });
    },

    undo() {
      const state = get();
      const previous = state.past[state.past.length - 1];
      if (!previous) return;
      set({
        document: previous,
        past: state.past.slice(0, -1),
        future: [state.document, ...state.future].slice(0, HISTORY_LIMIT),
        lastEditKey: null,
        selection: keepExisting(state.selection, previous),
        saveStatus: state.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
      });
    },

    redo() {
      const state = get();
      const next = state.future[0];
      if (!next) return;
      set({
        document: next,
        past: [...state.past, state.document].slice(-HISTORY_LIMIT),
        future: state.future.slice(1),
        lastEditKey: null,
        selection: keepExisting(state.selection, next),
        saveStatus: state.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
      });
    },

    select(selection) {
      if (!sameSelection(selection, get().selection)) set({ selection });
    },

    setDragPositions(positions) {
      set({ dragPositions: positions });
    },

    commitDrag(positions) {
      const nodes = new Map<string, XY>();
      const notes = new Map<string, XY>();
      for (const [id, position] of positions) {
        if (id.startsWith('note:')) notes.set(id.slice(5), position);
        else nodes.set(id, position);
      }
      set({ dragPositions: null });
      get().edit((document) => moveElements(document, nodes, notes));
    },

    setMeasured(sizes) {
      set({ measured: { ...get().measured, ...sizes } });
    },

    setSaveState(status, message = null) {
      set({ saveStatus: status, saveMessage: message });
    },

    markSaved(document, revision) {
      const state = get();
      set({
        savedDocument: document,
        revision,
        saveStatus: state.document === document ? 'saved' : 'unsaved',
        saveMessage: null,
      });
    },

    markDetailsSaved(details, revision) {
      set({ name: details.name, description: details.description, revision });
    },

    applyOpeningLayout(positions) {
      const state = get();
      const next = moveElements(state.document, positions, new Map());
      if (next === state.document) return;
      set({ document: next, saveStatus: state.saveStatus === 'conflict' ? 'conflict' : 'unsaved' });
    },

    setNotice(notice) {
      if (get().notice !== notice) set({ notice });
    },

    setPublished(published) {
      set({ published });
    },

    setTestMode(on) {
      if (get().testMode === on) return;
      set(on ? { testMode: true, dragPositions: null, notice: null } : { testMode: false, testRun: null });
    },

    setTestRun(run) {
      set({ testRun: run });
    },

    setFunnelOverlay(overlay) {
      set({ funnelOverlay: overlay });
    },

    updateTestExecution(execution) {
      const run = get().testRun;
      if (run?.executionId === execution.id) set({ testRun: { ...run, execution } });
    },

    load(loaded) {
      set({
        name: loaded.name,
        description: loaded.description,
        revision: loaded.revision,
        document: loaded.document,
        savedDocument: loaded.document,
        past: [],
        future: [],
        lastEditKey: null,
        selection: EMPTY_SELECTION,
        dragPositions: null,
        saveStatus: 'saved',
        saveMessage: null,
        published: loaded.published,
      });
    },
  }));
}
