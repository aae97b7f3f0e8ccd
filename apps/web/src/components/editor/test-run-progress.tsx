'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { StepRuns } from '@/components/replay/step-runs';
import { findNodeTypeInfo } from '@/lib/editor/build-step-cards';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import { documentOutputLabel } from '@/lib/editor/output-label';
import { cancelExecution, skipTestWait } from '@/lib/editor/test-run-api';
import { canSkipWait, describeRun, describeWait, isFinishedStatus } from '@/lib/editor/test-run-status';
import type { ExecutionStep } from '@/lib/execution-view';
import { useEditorContext, useEditorState } from './editor-context';
import formStyles from './step-form.module.css';
import styles from './test-run.module.css';
import { useGoToStep } from './use-go-to-step';

interface TestRunProgressProps {
  /** Why the latest read of the run failed, if it did. */
  pollProblem: string | null;
  onNewRun(): void;
}

/** The run in progress or just finished: where it is, what it waits for, each step's data; Skip wait, Stop, replay. */
export function TestRunProgress({ pollProblem, onNewRun }: TestRunProgressProps) {
  const { store, nodeTypes } = useEditorContext();
  const run = useEditorState((s) => s.testRun);
  const document = useEditorState((s) => s.document);
  const selection = useEditorState((s) => s.selection);
  const goTo = useGoToStep();
  const [busy, setBusy] = useState(false);
  const [actionProblem, setActionProblem] = useState<string | null>(null);
  const execution = run?.execution ?? null;

  const nameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const node of document.nodes) {
      const info = findNodeTypeInfo(nodeTypes, node.type, node.typeVersion);
      names.set(node.id, node.label?.trim() || info?.displayName || node.type);
    }
    return (nodeId: string) => names.get(nodeId) ?? nodeId;
  }, [document.nodes, nodeTypes]);
  const branchOf = (nodeId: string) => (output: string) => documentOutputLabel(document, editorCatalog, nodeId, output);

  if (!run) return null;
  const finished = execution ? isFinishedStatus(execution.status) : false;
  const wait = execution?.status === 'waiting' ? execution.pendingWait : null;
  const steps: readonly ExecutionStep[] = execution ? [...execution.steps].sort((a, b) => a.sequence - b.sequence) : [];
  const selectedId = selection.nodeIds.length === 1 ? selection.nodeIds[0] : undefined;
  const selectedSteps = steps.filter((step) => step.nodeId === selectedId);

  const act = async (action: () => Promise<{ ok: true } | { ok: false; message: string }>) => {
    setBusy(true);
    setActionProblem(null);
    const result = await action();
    setBusy(false);
    if (!result.ok) setActionProblem(result.message);
  };

  return (
    <div className={formStyles.group}>
      <div className={styles.status} data-status={execution?.status ?? 'starting'} role="status" aria-live="polite">
        <strong>{!execution ? 'Starting…' : wait ? `Waiting at “${nameOf(wait.nodeId)}”.` : describeRun(execution)}</strong>
      </div>
      {pollProblem ? <p className={styles.fieldProblem}>The run could not be read just now ({pollProblem}); trying again.</p> : null}
      {wait ? (
        <div className={styles.wait}>
          <p>{describeWait(wait)}</p>
          {canSkipWait(wait) ? (
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={busy}
              onClick={() => void act(() => skipTestWait(run.executionId))}
            >
              Skip wait
            </button>
          ) : null}
        </div>
      ) : null}
      <div className={styles.actions}>
        {!finished ? (
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={busy || execution === null}
            onClick={() => void act(() => cancelExecution(run.executionId))}
          >
            Stop
          </button>
        ) : null}
        {finished ? (
          <Link
            className="button button-secondary button-small"
            href={`/flows/${encodeURIComponent(store.getState().flowId)}/executions/${encodeURIComponent(run.executionId)}`}
          >
            Open in replay
          </Link>
        ) : null}
        <button type="button" className="button button-secondary button-small" onClick={onNewRun}>
          New test run
        </button>
      </div>
      {actionProblem ? (
        <p className="notice notice-error" role="alert">
          {actionProblem}
        </p>
      ) : null}

      {steps.length > 0 ? (
        <section aria-label="Steps run">
          <h3 className={styles.subheading}>Steps run</h3>
          <ol className={styles.stepList}>
            {steps.map((step) => (
              <li key={step.sequence}>
                <button
                  type="button"
                  className={styles.stepButton}
                  data-status={step.status}
                  aria-pressed={step.nodeId === selectedId}
                  onClick={() => goTo(step.nodeId)}
                >
                  <span>{nameOf(step.nodeId)}</span>
                  <span className={styles.stepStatus}>
                    {step.status}
                    {step.outputName && step.outputName !== 'next' ? ` → ${branchOf(step.nodeId)(step.outputName)}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-label="Step details" className={styles.details}>
        {selectedId ? (
          <>
            <h3 className={styles.subheading}>{nameOf(selectedId)}</h3>
            <StepRuns name={nameOf(selectedId)} steps={selectedSteps} branchLabel={branchOf(selectedId)} />
          </>
        ) : (
          <p className={styles.muted}>
            Click a step on the canvas (or in the list) to see what it received, returned and decided, and the branch it took.
          </p>
        )}
      </section>
    </div>
  );
}
