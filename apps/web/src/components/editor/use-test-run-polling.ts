'use client';

import { useEffect, useState } from 'react';
import type { EditorStore } from '@/lib/editor/editor-store';
import { fetchExecution } from '@/lib/editor/test-run-api';
import { isFinishedStatus } from '@/lib/editor/test-run-status';

/** How often a test run in progress is read back; steps take milliseconds, so this is what a person perceives. */
export const TEST_RUN_POLL_MS = 500;
/** After a failed read, ask less often until the server answers again. */
const RETRY_POLL_MS = 2000;

/**
 * Follows a test execution until it ends, putting each answer in the store
 * for the canvas and the panel. Returns the last read problem, if the latest
 * read failed.
 */
export function useTestRunPolling(store: EditorStore, executionId: string | null): string | null {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!executionId) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      const answer = await fetchExecution(executionId);
      if (stopped) return;
      if (answer.ok) {
        setProblem(null);
        store.getState().updateTestExecution(answer.data);
        if (isFinishedStatus(answer.data.status)) return;
      } else {
        setProblem(answer.message);
      }
      timer = setTimeout(() => void read(), answer.ok ? TEST_RUN_POLL_MS : RETRY_POLL_MS);
    };
    void read();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [store, executionId]);
  return problem;
}
