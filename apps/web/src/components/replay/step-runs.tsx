'use client';

import { isRecord } from '@/lib/editor/is-record';
import { describeStepOutcome } from '@/lib/editor/step-outcome';
import type { ExecutionStep } from '@/lib/execution-view';
import { formatTimestampSeconds } from '@/lib/format-timestamp';
import styles from './execution-replay.module.css';

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <div className={styles.block}>
      <h4>{label}</h4>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

/** Policy gate outcomes the engine stores on a send step's output. */
function policyOf(output: unknown): { deferredBy: unknown; blockedBy: unknown } | null {
  if (!isRecord(output)) return null;
  const deferredBy = output['deferredBy'];
  const blockedBy = output['blockedBy'];
  return deferredBy === undefined && blockedBy === undefined ? null : { deferredBy, blockedBy };
}

/**
 * Every run of one step in an execution (a step runs again on a retry or a
 * loop): status, branch taken, error, policy gate, decision, input and output.
 * Shared by the execution replay and the editor's test runs.
 */
export function StepRuns({
  name,
  steps,
  branchLabel,
}: {
  name: string;
  steps: readonly ExecutionStep[];
  /** The words of an output ("Yes" for If / else's "true"), as the canvas shows them. */
  branchLabel(output: string): string;
}) {
  if (steps.length === 0) return <p className={styles.muted}>This step did not run in this execution.</p>;
  const ordered = [...steps].sort((a, b) => a.sequence - b.sequence);
  const last = ordered[ordered.length - 1];
  const outcome = describeStepOutcome(ordered);
  // The latest run first: it is the step's result; earlier attempts follow as its history.
  const newestFirst = [...ordered].reverse();
  return (
    <>
      {outcome ? (
        <p className={styles.outcome} data-status={last?.status}>
          {outcome}
        </p>
      ) : null}
      {newestFirst.map((step) => {
        const policy = policyOf(step.output);
        const earlier = step !== last && step.status === 'failed';
        const label =
          ordered.length > 1 ? `Attempt ${step.attempt}${step.visit > 1 ? `, run ${step.visit}` : ''} of ${name}` : `Run of ${name}`;
        return (
          <article key={step.sequence} className={styles.step} data-earlier={earlier || undefined} aria-label={label}>
            {earlier ? <p className={styles.earlier}>An earlier attempt: the step was tried again.</p> : null}
            <dl className={styles.facts}>
              <div>
                <dt>Status</dt>
                <dd>{step.status}</dd>
              </div>
              <div>
                <dt>Branch taken</dt>
                <dd>{step.outputName ? branchLabel(step.outputName) : '—'}</dd>
              </div>
              <div>
                <dt>Started</dt>
                <dd>{formatTimestampSeconds(step.startedAt)}</dd>
              </div>
              <div>
                <dt>Attempt</dt>
                <dd>{step.attempt}</dd>
              </div>
            </dl>
            {step.errorCode || step.errorMessage ? (
              <p className="notice notice-error" role="alert">
                Error {step.errorCode ?? ''}: {step.errorMessage ?? ''}
              </p>
            ) : null}
            {policy ? (
              <div className="notice notice-warning">
                <strong>Held back by the WhatsApp policy gate</strong>
                <pre>{JSON.stringify(policy, null, 2)}</pre>
              </div>
            ) : null}
            <Json label="Decision" value={step.decision} />
            <Json label="Input" value={step.input} />
            <Json label="Output" value={step.output} />
          </article>
        );
      })}
    </>
  );
}
