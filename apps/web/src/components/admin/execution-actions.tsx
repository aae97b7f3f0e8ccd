'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { callEngine } from '@/lib/editor/engine-client';

type Asking = 'retry' | 'cancel' | null;

/** Retry from the failed step, or cancel an active run; each asks first. */
export function ExecutionActions({ id, status }: { id: string; status: string }) {
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
    const answer = await callEngine(`/api/executions/${id}/${asking}`, z.unknown(), { method: 'POST', body: '{}' });
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setDone(asking === 'retry' ? 'Retrying from the failed step…' : 'Cancelled.');
    setAsking(null);
    router.refresh();
  };

  return (
    <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}>
      {status === 'failed' ? (
        <button type="button" className="button button-primary" onClick={() => setAsking('retry')}>
          Retry from failed step
        </button>
      ) : null}
      {active ? (
        <button type="button" className="button button-danger" onClick={() => setAsking('cancel')}>
          Cancel execution
        </button>
      ) : null}
      {done ? <span role="status">{done}</span> : null}
      <ConfirmDialog
        open={asking !== null}
        title={asking === 'retry' ? 'Retry this execution?' : 'Cancel this execution?'}
        confirmLabel={asking === 'retry' ? 'Retry' : 'Cancel execution'}
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
        ) : (
          <p>It stops now and its waits end. The customer gets nothing more from this run.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
