'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { saveDetails } from '@/lib/editor/flow-api';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './dialog.module.css';

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

/**
 * The flow's name and description, which a template fills in with its own
 * words: shown under the title, changed here. Saved with the draft's
 * revision token after any unsaved edit, like every other save.
 */
export function FlowDetailsDialog({ open, onClose, flush }: { open: boolean; onClose(): void; flush(): Promise<boolean> }) {
  const { store } = useEditorContext();
  const name = useEditorState((s) => s.name);
  const description = useEditorState((s) => s.description);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const nameId = useId();
  const descriptionId = useId();
  const [draftName, setDraftName] = useState(name);
  const [draftDescription, setDraftDescription] = useState(description);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setDraftName(name);
      setDraftDescription(description);
      setProblem(null);
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, name, description]);

  const save = async () => {
    const trimmed = draftName.trim();
    if (trimmed === '') return setProblem('The flow needs a name.');
    setBusy(true);
    setProblem(null);
    // Unsaved steps go first: the details then take the revision that save returned.
    if (!(await flush())) {
      setBusy(false);
      return setProblem('Your latest changes to the steps could not be saved, so the details were not saved either.');
    }
    const details = { name: trimmed, description: draftDescription.trim() };
    const result = await saveDetails(store.getState().flowId, store.getState().revision, details);
    setBusy(false);
    if (result.kind !== 'saved') return setProblem(result.message);
    store.getState().markDetailsSaved(details, result.revision);
    onClose();
  };

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2 id={titleId}>Flow details</h2>
        <div className={styles.fields}>
          <label className={styles.field} htmlFor={nameId}>
            Name
            <input id={nameId} value={draftName} maxLength={MAX_NAME} onChange={(event) => setDraftName(event.target.value)} />
          </label>
          <label className={styles.field} htmlFor={descriptionId}>
            Description
            <textarea
              id={descriptionId}
              rows={4}
              value={draftDescription}
              maxLength={MAX_DESCRIPTION}
              placeholder="What this flow does and for whom, in your own words"
              onChange={(event) => setDraftDescription(event.target.value)}
            />
          </label>
        </div>
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        <div className={styles.actions}>
          <button type="button" className="button button-secondary" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save details'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
