'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { callEngine } from '@/lib/editor/engine-client';

type Asking = 'retry' | 'retry-latest' | 'cancel' | null;

interface ExecutionActionsProps {
  id: string;
  status: string;
  /** The version it ran (a published number), and the flow's published version now; the two differ when it can move. */
  version: number | null;
  latestVersion: number | null;
  /** A test run waiting on a wait (a delay, a wait for a reply) can skip it; live runs never are hurried. */
  canSkipWait: boolean;
}

/**
 * Retry from the failed step (on its version, or on the latest), or cancel an active run; each asks first.
 * A waiting test run can also skip its wait, at once: it changes nothing a customer sees.
 */
export function ExecutionActions({ id, status, version, latestVersion, canSkipWait }: ExecutionActionsProps) {
  const router = useRouter();
  const [asking, setAsking] = useState<Asking>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const active = ['running', 'waiting', 'held'].includes(status);

  const act = async () => {
    if (!asking) return;
    setBusy(true);
    setProblem(null);
    const answer = await callEngine(`/api/executions/${id}/${asking === 'cancel' ? 'cancel' : 'retry'}`, z.unknown(), {
      method: 'POST',
      body: JSON.stringify(asking === 'retry-latest' ? { onVersion: 'latest' } : {}),
    });
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setDone(
      asking === 'retry'
        ? 'Retrying from the failed step…'
        : asking === 'retry-latest'
          ? `Retrying from the failed step on v${latestVersion ?? ''}…`
          : 'Cancelled.',
    );
    setAsking(null);
    router.refresh();
  };

  const skipWait = async () => {
    setBusy(true);
    setProblem(null);
    const answer = await callEngine(`/api/executions/${id}/skip-wait`, z.unknown(), { method: 'POST', body: '{}' });
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setDone('Wait skipped: the test run goes on.');
    router.refresh();
  };

  return (
    <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}>
      {canSkipWait ? (
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => void skipWait()}>
          Skip the wait
        </button>
      ) : null}
      {status === 'failed' ? (
        <button type="button" className="button button-primary" onClick={() => setAsking('retry')}>
          Retry from failed step
        </button>
      ) : null}
      {status === 'failed' && latestVersion !== null && version !== null && latestVersion !== version ? (
        <button type="button" className="button button-secondary" onClick={() => setAsking('retry-latest')}>
          Retry on latest version (v{latestVersion})
        </button>
      ) : null}
      {active ? (
        <button type="button" className="button button-danger" onClick={() => setAsking('cancel')}>
          Cancel execution
        </button>
      ) : null}
      {done ? <span role="status">{done}</span> : null}
      {problem && asking === null ? (
        <span className="notice notice-error" role="alert">
          {problem}
        </span>
      ) : null}
      <ConfirmDialog
        open={asking !== null}
        title={
          asking === 'cancel'
            ? 'Cancel this execution?'
            : asking === 'retry-latest'
              ? `Retry on v${latestVersion ?? ''}?`
              : 'Retry this execution?'
        }
        confirmLabel={asking === 'cancel' ? 'Cancel execution' : asking === 'retry-latest' ? `Retry on v${latestVersion ?? ''}` : 'Retry'}
        danger={asking === 'cancel'}
        busy={busy}
        problem={problem}
        onConfirm={() => void act()}
        onClose={() => {
          setAsking(null);
          setProblem(null);
        }}
      >
        {asking === 'retry' ? (
          <p>It runs again from the step that failed, on the version it ran. A message whose delivery is unknown is not sent again.</p>
        ) : asking === 'retry-latest' ? (
          <p>
            It moves from v{version ?? ''} to v{latestVersion ?? ''} and runs again from the same step, as v{latestVersion ?? ''} has it
            now. If that step is gone in v{latestVersion ?? ''}, nothing changes and you are told why.
          </p>
        ) : (
          <p>It stops now and its waits end. The customer gets nothing more from this run.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
