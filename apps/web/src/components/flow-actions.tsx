'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { archiveFlow, deleteFlow, restoreFlow } from '@/lib/flow-actions';
import type { FlowSummary } from '@/lib/flow-summary';
import { ConfirmDialog } from './confirm-dialog';
import styles from './flow-list.module.css';

type Asking = 'archive' | 'delete' | null;

/** Archive, restore and delete for one flow of the list (editors only). */
export function FlowActions({ flow }: { flow: FlowSummary }) {
  const router = useRouter();
  const [asking, setAsking] = useState<Asking>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const archived = flow.archivedAt !== null;

  const run = async (action: () => Promise<{ ok: true } | { ok: false; message: string }>) => {
    setBusy(true);
    setProblem(null);
    const answer = await action();
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setAsking(null);
    router.refresh();
  };

  const close = () => {
    setAsking(null);
    setProblem(null);
  };

  return (
    <div className={styles.actions}>
      {archived ? (
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={busy}
          aria-label={`Restore “${flow.name}”`}
          onClick={() => void run(() => restoreFlow(flow.id))}
        >
          Restore
        </button>
      ) : (
        <button
          type="button"
          className="button button-secondary button-small"
          aria-label={`Archive “${flow.name}”`}
          onClick={() => setAsking('archive')}
        >
          Archive
        </button>
      )}
      {flow.deletable ? (
        <button
          type="button"
          className="button button-secondary button-small"
          aria-label={`Delete “${flow.name}”`}
          onClick={() => setAsking('delete')}
        >
          Delete
        </button>
      ) : null}
      {!archived && problem && asking === null ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      <ConfirmDialog
        open={asking === 'archive'}
        title={`Archive “${flow.name}”?`}
        confirmLabel="Archive flow"
        busy={busy}
        problem={problem}
        onClose={close}
        onConfirm={() => void run(() => archiveFlow(flow.id))}
      >
        {flow.publishedVersion ? (
          <p>
            It is live now (version {flow.publishedVersion.version}). Archiving unpublishes it: no new customer enters it, and runs in
            progress finish on their version.
          </p>
        ) : (
          <p>It is not published, so nothing stops running.</p>
        )}
        <p>Its executions stay in the log. Restore it any time from “Archived flows”: it comes back as a draft to publish again.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'delete'}
        title={`Delete “${flow.name}”?`}
        confirmLabel="Delete flow"
        danger
        busy={busy}
        problem={problem}
        onClose={close}
        onConfirm={() => void run(() => deleteFlow(flow.id))}
      >
        <p>This flow has never been published, tested or run. Deleting it removes its draft for good.</p>
      </ConfirmDialog>
    </div>
  );
}
