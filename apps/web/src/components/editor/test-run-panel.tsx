'use client';

import { useState } from 'react';
import { useEditorContext, useEditorState } from './editor-context';
import { TestRunProgress } from './test-run-progress';
import { TestRunSetup } from './test-run-setup';
import styles from './test-run.module.css';
import { useTestRunPolling } from './use-test-run-polling';

interface TestRunPanelProps {
  /** Saves the draft now; the engine runs the saved draft. */
  flush(): Promise<boolean>;
  onShowChecklist(): void;
}

/**
 * The side panel in test mode: choose a simulated customer and an event, run
 * the draft, then follow the run on the canvas. The choices stay (hidden, not
 * unmounted) while a run is shown, so "New test run" starts from them. The
 * toolbar's "Back to editing" leaves test mode.
 */
export function TestRunPanel({ flush, onShowChecklist }: TestRunPanelProps) {
  const { store } = useEditorContext();
  const executionId = useEditorState((s) => s.testRun?.executionId ?? null);
  const hasRun = executionId !== null;
  // Polled here, not in the progress view, so a run keeps lighting up the canvas while the next one is prepared.
  const pollProblem = useTestRunPolling(store, executionId);
  const [showSetup, setShowSetup] = useState(true);
  const setupVisible = showSetup || !hasRun;
  return (
    <div className={styles.panel}>
      <h2 className={styles.heading}>Test run</h2>
      <p className={styles.muted}>
        Runs the saved draft for a customer of the WhatsApp simulator. Messages go to the simulator only, never to a real customer; the
        draft is not published.
      </p>
      <div hidden={!setupVisible}>
        <TestRunSetup flush={flush} onShowChecklist={onShowChecklist} onStarted={() => setShowSetup(false)} />
      </div>
      {hasRun && !setupVisible ? <TestRunProgress pollProblem={pollProblem} onNewRun={() => setShowSetup(true)} /> : null}
    </div>
  );
}
