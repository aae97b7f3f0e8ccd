'use client';

import { useState } from 'react';
import { describePreflight, fetchCampaignPreflight, type ScheduledPreflight } from '@/lib/editor/campaign-preflight';
import { publishFlow } from '@/lib/editor/flow-api';
import { ConfirmDialog } from '../confirm-dialog';
import { useEditorContext, useEditorState } from './editor-context';
import { useFlowIssues } from './flow-issues-context';
import styles from './flow-editor.module.css';

interface PublishButtonProps {
  flush(): Promise<boolean>;
  onShowChecklist(): void;
}

/**
 * Saves what is left, then publishes the draft as a new version; disabled
 * while the checklist has problems. A flow that starts on a schedule and
 * sends messages shows its campaign pre-flight first (who the next run
 * reaches, what the daily limit holds back, how long it takes), to confirm.
 */
export function PublishButton({ flush, onShowChecklist }: PublishButtonProps) {
  const { store } = useEditorContext();
  const issues = useFlowIssues();
  const saveStatus = useEditorState((s) => s.saveStatus);
  const published = useEditorState((s) => s.published);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const blocked = issues.length > 0;

  const [preflight, setPreflight] = useState<ScheduledPreflight | null>(null);

  const publishNow = async () => {
    const state = store.getState();
    const result = await publishFlow(state.flowId, state.revision);
    if (result.kind === 'published') {
      state.setPublished({ version: result.version, publishedAt: result.publishedAt });
      setMessage({ kind: 'ok', text: `Published version ${result.version}.` });
    } else if (result.kind === 'invalid') {
      setMessage({ kind: 'error', text: `${result.message} ${result.issues.map((i) => i.message).join(' ')}` });
      onShowChecklist();
    } else {
      setMessage({ kind: 'error', text: result.message });
    }
  };

  const publish = async () => {
    setBusy(true);
    setMessage(null);
    try {
      if (!(await flush())) {
        setMessage({ kind: 'error', text: 'The draft could not be saved, so it was not published.' });
        return;
      }
      const estimate = await fetchCampaignPreflight(store.getState().flowId);
      if (estimate.ok && estimate.data.scheduled && estimate.data.sendsMessages) {
        setPreflight(estimate.data);
        return;
      }
      await publishNow();
    } finally {
      setBusy(false);
    }
  };

  const confirmPublish = async () => {
    setBusy(true);
    try {
      await publishNow();
      setPreflight(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.publish}>
      <span className={published ? 'badge badge-success' : 'badge badge-plain'}>
        {published ? `Published v${published.version}` : 'Not published'}
      </span>
      <button
        type="button"
        className="button button-primary button-small"
        disabled={blocked || busy || saveStatus === 'conflict'}
        aria-describedby={blocked ? 'publish-blocked' : undefined}
        onClick={() => void publish()}
      >
        {busy ? 'Publishing…' : 'Publish'}
      </button>
      {blocked ? (
        <button id="publish-blocked" type="button" className={styles.linkButton} onClick={onShowChecklist}>
          {issues.length === 1 ? '1 problem to fix' : `${issues.length} problems to fix`}
        </button>
      ) : null}
      <span role="status" className={message?.kind === 'error' ? styles.publishError : styles.publishOk}>
        {message?.text}
      </span>
      <ConfirmDialog
        open={preflight !== null}
        title="Before publishing: the next scheduled run"
        confirmLabel="Publish"
        busy={busy}
        problem={message?.kind === 'error' ? message.text : null}
        onConfirm={() => void confirmPublish()}
        onClose={() => setPreflight(null)}
      >
        {preflight ? (
          <ul className={styles.preflight} aria-label="Campaign pre-flight">
            {describePreflight(preflight).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
