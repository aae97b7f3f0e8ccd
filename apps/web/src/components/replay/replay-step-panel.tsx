'use client';

import { isRecord } from '@/lib/editor/is-record';
import type { ExecutionStep } from '@/lib/execution-view';
import { formatTimestamp } from '@/lib/format-timestamp';
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

/** Everything one step of the replayed execution saw and did. */
export function ReplayStepPanel({ name, steps }: { name: string | null; steps: readonly ExecutionStep[] }) {
  return (
    <aside className={styles.panel} aria-label="Step details">
      {name === null ? (
        <div className={styles.section}>
          <h2>Step details</h2>
          <p className={styles.muted}>Select a step on the canvas to see its input, output, decision and any error.</p>
        </div>
      ) : (
        <div className={styles.section}>
          <h2>{name}</h2>
          {steps.length === 0 ? <p className={styles.muted}>This step did not run in this execution.</p> : null}
          {steps.map((step) => {
            const policy = policyOf(step.output);
            return (
              <article key={step.sequence} className={styles.step} aria-label={`Run ${step.visit} of ${name}`}>
                <dl className={styles.facts}>
                  <div>
                    <dt>Status</dt>
                    <dd>{step.status}</dd>
                  </div>
                  <div>
                    <dt>Branch taken</dt>
                    <dd>{step.outputName ?? '—'}</dd>
                  </div>
                  <div>
                    <dt>Started</dt>
                    <dd>{formatTimestamp(step.startedAt)}</dd>
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
        </div>
      )}
    </aside>
  );
}
