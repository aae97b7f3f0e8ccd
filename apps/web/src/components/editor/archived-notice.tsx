'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { restoreFlow } from '@/lib/flow-actions';
import styles from './flow-editor.module.css';

/** An archived flow opens read-only, saying so, with the way back. */
export function ArchivedNotice({ flowId, mayRestore }: { flowId: string; mayRestore: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const restore = async () => {
    setBusy(true);
    const answer = await restoreFlow(flowId);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    router.refresh();
  };
  return (
    <div className={styles.archived} role="status">
      <span className="badge badge-plain">Archived</span>
      <span>This flow does not run. Restore it to edit and publish it again.</span>
      {mayRestore ? (
        <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void restore()}>
          Restore
        </button>
      ) : null}
      {problem ? <span className={styles.publishError}>{problem}</span> : null}
    </div>
  );
}
