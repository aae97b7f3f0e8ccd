'use client';

import { useEditorState } from './editor-context';
import styles from './flow-editor.module.css';

const TEXT = {
  saved: 'All changes saved',
  unsaved: 'Unsaved changes…',
  saving: 'Saving…',
  error: 'Not saved',
  conflict: 'Not saved: changed elsewhere',
} as const;

/** Where the draft stands, always visible: saved, saving, or not saved and why. */
export function SaveIndicator({ onRetry }: { onRetry(): void }) {
  const status = useEditorState((s) => s.saveStatus);
  const message = useEditorState((s) => s.saveMessage);
  return (
    <div className={styles.save} data-status={status} role="status" aria-live="polite">
      <span className={styles.saveDot} aria-hidden="true" />
      <span>{TEXT[status]}</span>
      {status === 'error' ? (
        <>
          <span className={styles.saveMessage}>{message}</span>
          <button type="button" className="button button-secondary button-small" onClick={onRetry}>
            Retry
          </button>
        </>
      ) : null}
    </div>
  );
}
