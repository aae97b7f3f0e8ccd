import type { FlowDocument } from '@parley/flow-core';
import type { ExecutionDetail } from '../execution-view';
import { COALESCE_MS, createEditorStore } from './editor-store';
import { addNote, updateNote } from './flow-edits';

const empty: FlowDocument = {
  schemaVersion: 1,
  nodes: [],
  edges: [],
  notes: [],
  settings: { oncePerContact: false, reentry: 'skip', debounceSeconds: 0, whilePaused: 'skip', exitOn: [] },
};

function storeAt(clock: { now: number }) {
  return createEditorStore('flow-1', { name: 'Flow', description: '', revision: 1, document: empty, published: null }, () => clock.now);
}

function execution(id: string, status: string): ExecutionDetail {
  return {
    id,
    flowId: 'flow-1',
    flowVersionId: 'version-1',
    contactId: 'contact-1',
    status,
    endedReason: null,
    testMode: true,
    errorCode: null,
    errorMessage: null,
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    contact: null,
    version: null,
    stuck: false,
    steps: [],
    pendingWait: null,
  };
}

describe('editor store', () => {
  it('lays a flow out as it opens without an undo step, and marks it to be saved', () => {
    const clock = { now: 10_000 };
    const document: FlowDocument = {
      ...empty,
      nodes: [
        { id: 'a', type: 'trigger.inbound_message', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        { id: 'b', type: 'contact.tag', typeVersion: 1, position: { x: 0, y: 10 }, config: {} },
      ],
    };
    const store = createEditorStore('flow-1', { name: 'Flow', description: '', revision: 1, document, published: null }, () => clock.now);
    store.getState().applyOpeningLayout(new Map([['b', { x: 0, y: 220 }]]));
    const state = store.getState();
    expect(state.document.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 220 },
    ]);
    expect(state.past).toEqual([]);
    expect(state.saveStatus).toBe('unsaved');
    expect(state.savedDocument).toBe(document);
    store.getState().markDetailsSaved({ name: 'Renamed', description: 'What it is for' }, 2);
    expect(store.getState()).toMatchObject({ name: 'Renamed', description: 'What it is for', revision: 2 });
  });

  it('makes edits with the same key within a second one undo step, and anything else separate steps', () => {
    const clock = { now: 10_000 };
    const store = storeAt(clock);
    let noteId = '';
    store.getState().edit((document) => {
      const added = addNote(document, { x: 0, y: 0 }, '');
      noteId = added.id;
      return added.document;
    });
    for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) {
      clock.now += 200;
      store.getState().edit((document) => updateNote(document, noteId, text), { key: `note:${noteId}` });
    }
    clock.now += COALESCE_MS + 1;
    store.getState().edit((document) => updateNote(document, noteId, 'Hello!'), { key: `note:${noteId}` });
    expect(store.getState().past).toHaveLength(3);

    store.getState().undo();
    expect(store.getState().document.notes[0]?.text).toBe('Hello');
    store.getState().undo();
    expect(store.getState().document.notes[0]?.text).toBe('');
    store.getState().redo();
    expect(store.getState().document.notes[0]?.text).toBe('Hello');
    expect(store.getState().saveStatus).toBe('unsaved');
  });

  it('ignores an edit that changes nothing', () => {
    const store = storeAt({ now: 0 });
    store.getState().edit((document) => document);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().saveStatus).toBe('saved');
  });

  it('keeps a test run as view state: the document, history and save status are untouched, and leaving test mode forgets it', () => {
    const store = storeAt({ now: 0 });
    const before = store.getState().document;
    store.getState().setTestMode(true);
    store.getState().setTestRun({ executionId: 'run-1', execution: null });
    store.getState().updateTestExecution(execution('run-1', 'waiting'));
    // A late answer about an earlier run must not replace the run shown.
    store.getState().updateTestExecution(execution('run-0', 'failed'));
    expect(store.getState().testRun?.execution?.status).toBe('waiting');
    expect(store.getState().document).toBe(before);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().saveStatus).toBe('saved');

    store.getState().setTestMode(false);
    expect(store.getState().testRun).toBeNull();
  });
});
