'use client';

import { useReactFlow } from '@xyflow/react';
import { useState } from 'react';
import { autoLayout } from '@/lib/editor/auto-layout';
import { addNote, isSelectionEmpty, moveElements } from '@/lib/editor/flow-edits';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './flow-editor.module.css';
import { copySelection, deleteSelection, duplicateSelection, pasteClipboard } from './use-editor-shortcuts';

/** Buttons for everything the shortcuts do, so the mouse and the keyboard reach the same actions. */
export function EditorToolbar() {
  const { store, editable, mayEdit } = useEditorContext();
  const testMode = useEditorState((s) => s.testMode);
  const { fitView, screenToFlowPosition } = useReactFlow();
  const canUndo = useEditorState((s) => s.past.length > 0);
  const canRedo = useEditorState((s) => s.future.length > 0);
  const hasSelection = useEditorState((s) => !isSelectionEmpty(s.selection));
  const hasNodes = useEditorState((s) => s.document.nodes.length > 0);
  const [laying, setLaying] = useState(false);

  const tidy = async () => {
    setLaying(true);
    try {
      const state = store.getState();
      const positions = await autoLayout(state.document, state.measured);
      state.edit((document) => moveElements(document, positions, new Map()));
      requestAnimationFrame(() => void fitView({ padding: 0.2, duration: 250 }));
    } finally {
      setLaying(false);
    }
  };

  const note = () => {
    const canvas = document.querySelector('[aria-label="Flow canvas"]')?.getBoundingClientRect();
    const point = screenToFlowPosition(canvas ? { x: canvas.left + 40, y: canvas.top + 40 } : { x: 100, y: 100 });
    let id = '';
    store.getState().edit((current) => {
      const result = addNote(current, { x: Math.round(point.x), y: Math.round(point.y) }, '');
      id = result.id;
      return result.document;
    });
    store.getState().select({ nodeIds: [], edgeIds: [], noteIds: [id] });
  };

  return (
    <div className={styles.toolbar} role="toolbar" aria-label="Editing">
      {editable ? (
        <>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={!canUndo}
            onClick={() => store.getState().undo()}
            title="Ctrl+Z"
          >
            Undo
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={!canRedo}
            onClick={() => store.getState().redo()}
            title="Ctrl+Shift+Z"
          >
            Redo
          </button>
          <span className={styles.separator} aria-hidden="true" />
        </>
      ) : null}
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={!hasSelection}
        onClick={() => copySelection(store)}
        title="Ctrl+C"
      >
        Copy
      </button>
      {editable ? (
        <>
          <button type="button" className="button button-secondary button-small" onClick={() => void pasteClipboard(store)} title="Ctrl+V">
            Paste
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={!hasSelection}
            onClick={() => duplicateSelection(store)}
            title="Ctrl+D"
          >
            Duplicate
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={!hasSelection}
            onClick={() => deleteSelection(store)}
            title="Delete"
          >
            Delete
          </button>
          <span className={styles.separator} aria-hidden="true" />
          <button type="button" className="button button-secondary button-small" onClick={note}>
            Add note
          </button>
          <button type="button" className="button button-secondary button-small" disabled={!hasNodes || laying} onClick={() => void tidy()}>
            {laying ? 'Arranging…' : 'Auto-layout'}
          </button>
        </>
      ) : null}
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => void fitView({ padding: 0.2, duration: 200 })}
        title="F"
      >
        Fit view
      </button>
      {mayEdit ? (
        <div className={styles.toolbarEnd}>
          {testMode ? (
            <button type="button" className="button button-secondary button-small" onClick={() => store.getState().setTestMode(false)}>
              Back to editing
            </button>
          ) : (
            <button type="button" className="button button-primary button-small" onClick={() => store.getState().setTestMode(true)}>
              Test run
            </button>
          )}
        </div>
      ) : null}
    </div>
  );
}
