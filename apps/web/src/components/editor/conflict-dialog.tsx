'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { fetchFlow, saveDraft } from '@/lib/editor/flow-api';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './dialog.module.css';

/** A save found the flow changed elsewhere: the user chooses to reload theirs or overwrite it, never silently. */
export function ConflictDialog() {
  const { store } = useEditorContext();
  const status = useEditorState((s) => s.saveStatus);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const open = status === 'conflict';

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const reload = async () => {
    setBusy(true);
    const state = store.getState();
    const result = await fetchFlow(state.flowId);
    setBusy(false);
    if (!result.ok) return setProblem(result.message);
    setProblem(null);
    state.load(result.flow);
  };

  const overwrite = async () => {
    setBusy(true);
    const state = store.getState();
    const current = await fetchFlow(state.flowId);
    if (!current.ok) {
      setBusy(false);
      return setProblem(current.message);
    }
    const document = state.document;
    const saved = await saveDraft(state.flowId, current.flow.revision, document);
    setBusy(false);
    if (saved.kind !== 'saved') return setProblem(saved.message);
    setProblem(null);
    store.getState().markSaved(document, saved.revision);
  };

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      role="alertdialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape must not dismiss the choice: saving stays stopped until one is made.
        event.preventDefault();
      }}
    >
      <h2 id={titleId}>This flow was changed elsewhere</h2>
      <p className={styles.text}>
        Someone (or you, in another tab) saved a newer version of this draft while you were editing. Your latest changes are not saved.
        Choose which version to keep.
      </p>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => void reload()}>
          Reload their version
        </button>
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void overwrite()}>
          Overwrite with mine
        </button>
      </div>
    </dialog>
  );
}
