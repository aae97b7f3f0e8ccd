'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { callEngine } from '@/lib/editor/engine-client';
import { bulkJobSchema, bulkPreviewSchema } from '@/lib/explorer-view';
import styles from './admin.module.css';

type Action = 'retry' | 'cancel';
type Job = z.infer<typeof bulkJobSchema>;

interface Candidate {
  id: string;
  label: string;
  status: string;
}

interface BulkActionsProps {
  /** The explorer's filter as the engine takes it. */
  filter: Record<string, string>;
  /** The executions on screen, so some can be left out. */
  candidates: readonly Candidate[];
  /** When the filter names one flow: its published version now (a retry can move the runs there). */
  latestVersion: number | null;
  /** The actions offered (both by default), and their buttons' words when a place needs its own ("Cancel stuck…"). */
  actions?: readonly Action[];
  buttonLabels?: Partial<Record<Action, string>>;
  /** What the set is, after its count: "match the current filter" (the explorer's), "are stuck past their expected time". */
  setDescription?: string;
  /**
   * Whether the buttons show (default true). A place whose set can empty (the strip once nothing is stuck) passes
   * false instead of unmounting, so a job's progress and result stay on screen after the page refreshes.
   */
  offer?: boolean;
}

const VERB: Record<Action, { button: string; past: string; acts: string }> = {
  retry: { button: 'Retry failed…', past: 'retried', acts: 'failed' },
  cancel: { button: 'Cancel active…', past: 'cancelled', acts: 'running, waiting or held' },
};

function newRequestKey(): string {
  return `web-${crypto.randomUUID()}`;
}

/**
 * Bulk retry or cancel of everything the filter matches: the engine counts
 * first, the admin confirms that count (leaving some out), and the job's
 * progress shows here until it is done.
 */
export function BulkActions({
  filter,
  candidates,
  latestVersion,
  actions = ['retry', 'cancel'],
  buttonLabels = {},
  setDescription = 'match the current filter',
  offer = true,
}: BulkActionsProps) {
  const router = useRouter();
  const [action, setAction] = useState<Action | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [excluded, setExcluded] = useState<string[]>([]);
  const [onLatest, setOnLatest] = useState(false);
  const [requestKey, setRequestKey] = useState(newRequestKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);

  const preview = async (chosen: Action, leaveOut: string[]) => {
    setBusy(true);
    setProblem(null);
    const answer = await callEngine('/api/executions/bulk/preview', bulkPreviewSchema, {
      method: 'POST',
      body: JSON.stringify({ action: chosen, filter, excluded: leaveOut }),
    });
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setCount(answer.data.count);
  };

  const open = (chosen: Action) => {
    setAction(chosen);
    setExcluded([]);
    setOnLatest(false);
    setCount(null);
    setRequestKey(newRequestKey());
    void preview(chosen, []);
  };

  const toggle = (id: string) => {
    if (!action) return;
    const next = excluded.includes(id) ? excluded.filter((e) => e !== id) : [...excluded, id];
    setExcluded(next);
    void preview(action, next);
  };

  const confirm = async () => {
    if (!action || count === null) return;
    setBusy(true);
    setProblem(null);
    const answer = await callEngine('/api/executions/bulk/jobs', bulkJobSchema, {
      method: 'POST',
      body: JSON.stringify({
        action,
        filter,
        excluded,
        expectedCount: count,
        requestKey,
        ...(action === 'retry' && onLatest ? { onVersion: 'latest' } : {}),
      }),
    });
    setBusy(false);
    if (!answer.ok) {
      const newCount = typeof answer.body === 'object' && answer.body !== null && 'count' in answer.body ? answer.body.count : null;
      if (typeof newCount === 'number') setCount(newCount);
      return setProblem(answer.message);
    }
    setJob(answer.data);
    setAction(null);
  };

  useEffect(() => {
    if (!job || job.status === 'done') return;
    const timer = setTimeout(() => {
      void callEngine(`/api/executions/bulk/jobs/${job.id}`, bulkJobSchema).then((answer) => {
        if (!answer.ok) return;
        setJob(answer.data);
        if (answer.data.status === 'done') router.refresh();
      });
    }, 700);
    return () => clearTimeout(timer);
  }, [job, router]);

  const actionable = action
    ? candidates.filter((c) => (action === 'retry' ? c.status === 'failed' : ['running', 'waiting', 'held'].includes(c.status)))
    : [];

  return (
    <>
      {(offer ? actions : []).map((offered) => (
        <button key={offered} type="button" className="button button-secondary" onClick={() => open(offered)}>
          {buttonLabels[offered] ?? VERB[offered].button}
        </button>
      ))}
      {job ? (
        <div role="status" className={styles.result}>
          <p>
            Bulk {job.action}: {job.processed.toLocaleString('en')} of {job.total.toLocaleString('en')} done (
            {job.succeeded.toLocaleString('en')} {VERB[job.action].past}
            {job.skipped > 0 ? `, ${job.skipped.toLocaleString('en')} skipped` : ''}){job.status === 'done' ? '. Finished.' : '…'}
          </p>
          <progress
            className={styles.progress}
            max={Math.max(job.total, 1)}
            value={job.processed}
            aria-label={`Bulk ${job.action} progress`}
          />
        </div>
      ) : null}
      <ConfirmDialog
        open={action !== null}
        title={action === 'retry' ? 'Retry failed executions' : 'Cancel active executions'}
        confirmLabel={
          count === null
            ? 'Counting…'
            : action === 'retry'
              ? `Retry ${count.toLocaleString('en')} executions`
              : `Cancel ${count.toLocaleString('en')} executions`
        }
        danger={action === 'cancel'}
        busy={busy || count === null || count === 0}
        problem={problem}
        onConfirm={() => void confirm()}
        onClose={() => {
          setAction(null);
          setProblem(null);
        }}
      >
        {action ? (
          <>
            <p>
              {count === null
                ? 'Counting the executions this filter matches…'
                : `${count.toLocaleString('en')} ${VERB[action].acts} executions ${setDescription}${excluded.length > 0 ? `, leaving out ${excluded.length}` : ''}.`}{' '}
              Each runs in the background{action === 'retry' ? ' from the step that failed' : ''}; the job is audited and never acts twice
              on one execution.
            </p>
            {action === 'retry' ? (
              <label style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  checked={onLatest}
                  onChange={() => {
                    setOnLatest(!onLatest);
                    // Another request: a new key, so it is never taken for the one without (or with) the move.
                    setRequestKey(newRequestKey());
                  }}
                />{' '}
                {latestVersion !== null ? `Retry on latest version (v${latestVersion})` : 'Retry on each flow’s latest version'}
                <span className={styles.muted} style={{ display: 'block' }}>
                  Each run moves to the published version and continues from the same step; a run whose step is gone there is skipped with
                  the reason.
                </span>
              </label>
            ) : null}
            {actionable.length > 0 ? (
              <fieldset>
                <legend>Leave out (from this page)</legend>
                {actionable.map((c) => (
                  <label key={c.id} className={styles.muted} style={{ display: 'block' }}>
                    <input type="checkbox" checked={excluded.includes(c.id)} onChange={() => toggle(c.id)} /> {c.label}
                  </label>
                ))}
              </fieldset>
            ) : null}
          </>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
