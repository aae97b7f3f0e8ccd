'use client';

import type { ExecutionStep } from '@/lib/execution-view';
import styles from './execution-replay.module.css';
import { StepRuns } from './step-runs';

/** Everything one step of the replayed execution saw and did. */
export function ReplayStepPanel({
  name,
  steps,
  branchLabel,
}: {
  name: string | null;
  steps: readonly ExecutionStep[];
  branchLabel(output: string): string;
}) {
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
          <StepRuns name={name} steps={steps} branchLabel={branchLabel} />
        </div>
      )}
    </aside>
  );
}
