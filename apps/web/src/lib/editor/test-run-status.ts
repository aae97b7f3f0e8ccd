import type { ExecutionDetail, PendingWait } from '../execution-view';
import { formatTimestamp } from '../format-timestamp';

/** Execution statuses after which nothing more happens (the poll stops). */
const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'skipped']);

export function isFinishedStatus(status: string): boolean {
  return FINISHED.has(status);
}

/** What a waiting step waits for, in words. */
export function describeWait(wait: PendingWait): string {
  const until = wait.dueAt ? formatTimestamp(wait.dueAt) : null;
  switch (wait.kind) {
    case 'delay':
      return until ? `Waiting until ${until} (a delay).` : 'Waiting (a delay).';
    case 'until':
      return until ? `Waiting until ${until}.` : 'Waiting for a time of day.';
    case 'event': {
      const what =
        wait.eventType === 'message.received' ? 'a reply from the customer' : wait.eventType ? `a “${wait.eventType}” event` : 'an event';
      return until ? `Waiting for ${what} until ${until}; skipping takes the timeout branch.` : `Waiting for ${what}.`;
    }
    case 'retry':
      return until ? `The step failed and will be retried at ${until}.` : 'The step failed and will be retried.';
    case 'hold':
      return 'Held: automation is paused for this customer. It continues when the pause ends.';
    case 'debounce':
      return until ? `Waiting for the customer to be quiet until ${until}.` : 'Waiting for the customer to be quiet.';
    default:
      return until ? `Waiting until ${until}.` : 'Waiting.';
  }
}

/** Whether "Skip wait" makes sense: a pause is a person's decision, not a timer to hurry. */
export function canSkipWait(wait: PendingWait | null): boolean {
  return wait !== null && wait.kind !== 'hold';
}

/** One line about where the run is, for the status area of the panel. */
export function describeRun(execution: ExecutionDetail): string {
  switch (execution.status) {
    case 'running':
      return 'Running…';
    case 'waiting':
      return execution.pendingWait ? describeWait(execution.pendingWait) : 'Waiting…';
    case 'held':
      return 'Held: automation is paused for this customer.';
    case 'succeeded':
      return 'Finished: the test run succeeded.';
    case 'failed':
      return `Failed${execution.errorCode ? ` (${execution.errorCode})` : ''}${execution.errorMessage ? `: ${execution.errorMessage}` : '.'}`;
    case 'cancelled':
      return 'Stopped before the end.';
    case 'skipped':
      return `Did not run${execution.endedReason ? `: ${execution.endedReason}` : '.'}`;
    default:
      return execution.status;
  }
}
