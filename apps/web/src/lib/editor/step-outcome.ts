import type { ExecutionDetail, ExecutionStep } from '../execution-view';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function errorOf(step: ExecutionStep): string {
  return step.errorCode ?? step.errorMessage ?? 'an error';
}

/**
 * How one step ended in an execution, in one line, when its runs need
 * explaining: a step that succeeded on a retry says its earlier attempts
 * failed (so a failed attempt never reads as the step's result), one that
 * failed after retries says how many, one that ran in a loop says how often.
 * Null when the step ran once.
 */
export function describeStepOutcome(runs: readonly ExecutionStep[]): string | null {
  if (runs.length <= 1) return null;
  const ordered = [...runs].sort((a, b) => a.sequence - b.sequence);
  const last = ordered[ordered.length - 1];
  if (!last) return null;
  const visits = new Set(ordered.map((run) => run.visit)).size;
  const attempts = ordered.filter((run) => run.visit === last.visit);
  const earlierFailures = attempts.filter((run) => run !== last && run.status === 'failed');
  const prefix = visits > 1 ? `Ran ${plural(visits, 'time')} (a loop); the last time it ` : '';
  if (attempts.length > 1) {
    const failures = earlierFailures.map(errorOf).join(', ');
    const text =
      last.status === 'succeeded'
        ? `succeeded on attempt ${last.attempt}, after ${plural(earlierFailures.length, 'failed attempt')} (${failures})`
        : last.status === 'failed'
          ? `failed after ${plural(attempts.length, 'attempt')} (last error: ${errorOf(last)})`
          : `is on attempt ${last.attempt} (${last.status}), after ${plural(earlierFailures.length, 'failed attempt')} (${failures})`;
    return prefix === '' ? `${capitalized(text)}.` : `${prefix}${text}.`;
  }
  return prefix === '' ? null : `${prefix}${last.status}.`;
}

/**
 * The step the replay opens on: the step that failed when the execution
 * failed, the step it waits at when it waits, and none otherwise (a step that
 * failed once and then succeeded is not the story of a successful run).
 */
export function initialReplayStep(execution: Pick<ExecutionDetail, 'status' | 'steps' | 'pendingWait'>): string | null {
  const ordered = [...execution.steps].sort((a, b) => a.sequence - b.sequence);
  const lastOf = (status: string) => [...ordered].reverse().find((step) => step.status === status)?.nodeId ?? null;
  if (execution.status === 'failed') return lastOf('failed');
  if (execution.status === 'waiting' || execution.status === 'held') return execution.pendingWait?.nodeId ?? lastOf('waiting');
  return null;
}

/**
 * The execution's status for the replay's header, saying when steps needed
 * retries, so it agrees with what the steps show.
 */
export function describeExecutionOutcome(execution: Pick<ExecutionDetail, 'status' | 'steps'>): string {
  const retried = new Set<string>();
  for (const step of execution.steps) if (step.attempt > 1) retried.add(step.nodeId);
  if (retried.size === 0) return execution.status;
  return `${execution.status} (${plural(retried.size, 'step')} needed a retry)`;
}
