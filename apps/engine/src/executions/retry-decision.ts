/** Which version a retry continues on: the one the run started on, or the flow's published version now. */
export type RetryVersion = 'same' | 'latest';

export interface RetryOptions {
  /** Send again a message whose outcome stayed unknown (it may have reached the customer): a person's explicit choice. */
  resendUnknown: boolean;
  onVersion: RetryVersion;
}

/** What the store knows about one execution a person asked to retry. */
export interface RetryFacts {
  status: string;
  testMode: boolean;
  /** The step it failed at (null: it failed before any step ran). */
  failedStep: { nodeId: string; visit: number } | null;
  /** The side effect of that step, when it had one. */
  effectStatus: string | null;
  version: { id: string; number: number };
  /** The flow's published version now (null: unpublished or archived). */
  latest: { id: string; number: number; hasFailedStep: boolean } | null;
}

export type RetryDecision =
  | {
      retry: true;
      nodeId: string;
      /** The side effect key whose failed or unknown outcome becomes retryable. */
      effectKey: string;
      /** Set when the execution moves to another version. */
      toVersion: { id: string; number: number } | null;
      resendUnknown: boolean;
    }
  | { retry: false; reason: string };

/**
 * Whether a failed execution may run again, and where. Pure: the caller
 * gathers the facts under a row lock and applies the decision. A retry on the
 * latest version keeps the failed step's position, so the step must still
 * exist there; otherwise nothing changes and the reason says why.
 */
export function decideRetry(executionId: string, facts: RetryFacts, options: RetryOptions): RetryDecision {
  if (facts.status !== 'failed') return { retry: false, reason: `Only a failed execution can be retried (this one is ${facts.status}).` };
  if (!facts.failedStep) return { retry: false, reason: 'This execution has no failed step to retry.' };
  const { nodeId, visit } = facts.failedStep;
  if (facts.effectStatus === 'unknown' && !options.resendUnknown)
    return {
      retry: false,
      reason:
        'WhatsApp never confirmed whether the message of this step went out, so it may already have reached the customer. Retry with {"resendUnknown": true} to send it again anyway.',
    };
  let toVersion: { id: string; number: number } | null = null;
  if (options.onVersion === 'latest') {
    if (facts.testMode)
      return { retry: false, reason: 'onVersion: a test run runs the draft it froze; it has no latest published version.' };
    if (!facts.latest) return { retry: false, reason: 'onVersion: the flow has no published version now (unpublished or archived).' };
    if (!facts.latest.hasFailedStep)
      return {
        retry: false,
        reason: `onVersion: the step “${nodeId}” this run failed at was removed in the latest version (v${facts.latest.number}); retry it on v${facts.version.number} instead.`,
      };
    if (facts.latest.id !== facts.version.id) toVersion = { id: facts.latest.id, number: facts.latest.number };
  }
  return {
    retry: true,
    nodeId,
    effectKey: `${executionId}:${nodeId}:${visit}`,
    toVersion,
    resendUnknown: facts.effectStatus === 'unknown',
  };
}
