import type { RetryPolicy } from './flow-document';
import { ERROR_OUTPUT } from './node-definition';
import { mayRetry, retryDelayMs } from './retry-delay';

/** What a step reported, as the state machine needs it (the engine's StepResult has this shape). */
export type StepOutcome =
  | {
      outcome: 'continue';
      output: string;
      data: Record<string, unknown>;
      vars?: Record<string, unknown>;
      decision?: Record<string, unknown>;
    }
  | { outcome: 'end'; data: Record<string, unknown> }
  | { outcome: 'wait'; wait: WaitRequestView; data: Record<string, unknown> }
  | { outcome: 'failed'; errorCode: string; errorMessage: string; retryable: boolean; data: Record<string, unknown> };

export type WaitRequestView =
  { kind: 'delay' | 'until'; resumeAt: Date } | { kind: 'event'; eventType: string; filter: unknown; timeoutAt: Date | null };

/** The part of an execution a transition depends on: where it is, its variables and how it runs. */
export interface ExecutionView {
  vars: Record<string, unknown>;
  testMode: boolean;
  skipWaits: boolean;
}

/** The step whose result is being decided on. */
export interface StepView {
  nodeId: string;
  /** 1 for the first try of this visit. */
  attempt: number;
}

/** What the state machine needs of a flow version: its edges and, per node, retry policy and category. */
export interface FlowVersionView {
  next(nodeId: string, output: string): string | null;
  retryPolicy(nodeId: string): RetryPolicy | null;
  /** Timing nodes (delays, waits): a test run that skips waits skips theirs. */
  isTiming(nodeId: string): boolean;
}

/** How the step is recorded. */
export interface StepRecord {
  status: 'succeeded' | 'failed' | 'waiting';
  output: Record<string, unknown>;
  outputName: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Added to the step's decision (what a branch chose, why a wait was skipped...). */
  decision: Record<string, unknown> | null;
  /** Whether the step is over (a waiting step is not, a failed one about to be retried is). */
  finished: boolean;
}

export interface WaitPlan {
  kind: 'delay' | 'until' | 'event' | 'retry';
  /** When it fires (for an event wait, its timeout; null: never times out). */
  dueAt: Date | null;
  /**
   * `dueAt` is `now` plus a duration (a delay, a timeout, a retry, a wait a
   * test skips), not a time of day: the engine keeps the duration and counts
   * it on the database's clock, so a host clock that steps cannot move it.
   * An "until" wait (9:00 tomorrow, a quiet-hours end) keeps its time.
   */
  relative: boolean;
  eventType: string | null;
  filter: unknown;
}

/**
 * Where an execution goes after a step: to the next node, into a wait, into a
 * retry at a time, down the error branch, or to its end with a status.
 */
export type Transition =
  | { kind: 'next'; step: StepRecord; nodeId: string; vars: Record<string, unknown> }
  | { kind: 'branch'; step: StepRecord; nodeId: string; vars: Record<string, unknown> }
  | { kind: 'wait'; step: StepRecord; wait: WaitPlan; vars: Record<string, unknown> }
  | { kind: 'retry'; step: StepRecord; wait: WaitPlan & { kind: 'retry'; dueAt: Date; relative: true }; delayMs: number }
  | {
      kind: 'end';
      step: StepRecord;
      status: 'succeeded' | 'failed';
      reason: 'completed' | 'ended_by_flow' | 'failed';
      errorCode: string | null;
      errorMessage: string | null;
      vars: Record<string, unknown>;
    };

function record(partial: Partial<StepRecord> & Pick<StepRecord, 'status' | 'output'>): StepRecord {
  return {
    outputName: null,
    errorCode: null,
    errorMessage: null,
    decision: null,
    finished: partial.status !== 'waiting',
    ...partial,
  };
}

/**
 * The execution state machine: what happens after `step` reported `result`.
 * Pure (no I/O, no clock of its own), so the engine applies its answer in one
 * transaction and the web app can explain the same rules.
 */
export function decide(execution: ExecutionView, step: StepView, result: StepOutcome, flow: FlowVersionView, now: Date): Transition {
  switch (result.outcome) {
    case 'continue': {
      const vars = result.vars ? { ...execution.vars, ...result.vars } : execution.vars;
      const next = flow.next(step.nodeId, result.output);
      const recorded = record({ status: 'succeeded', output: result.data, outputName: result.output, decision: result.decision ?? null });
      return next === null
        ? { kind: 'end', step: recorded, status: 'succeeded', reason: 'completed', errorCode: null, errorMessage: null, vars }
        : { kind: 'next', step: recorded, nodeId: next, vars };
    }
    case 'end':
      return {
        kind: 'end',
        step: record({ status: 'succeeded', output: result.data }),
        status: 'succeeded',
        reason: 'ended_by_flow',
        errorCode: null,
        errorMessage: null,
        vars: execution.vars,
      };
    case 'wait': {
      const wait = result.wait;
      // A test run with "skip waits" sees the rest of the flow now; the step still records when it would have resumed.
      const skip = execution.testMode && execution.skipWaits && flow.isTiming(step.nodeId) && wait.kind !== 'event';
      const plan: WaitPlan =
        wait.kind === 'event'
          ? { kind: 'event', dueAt: wait.timeoutAt, relative: true, eventType: wait.eventType, filter: wait.filter ?? {} }
          : { kind: wait.kind, dueAt: skip ? now : wait.resumeAt, relative: skip || wait.kind === 'delay', eventType: null, filter: null };
      const decision = skip ? { skippedInTest: true, wouldResumeAt: wait.resumeAt.toISOString() } : null;
      return { kind: 'wait', step: record({ status: 'waiting', output: result.data, decision }), wait: plan, vars: execution.vars };
    }
    case 'failed': {
      const failed = { status: 'failed' as const, output: result.data, errorCode: result.errorCode, errorMessage: result.errorMessage };
      const policy = flow.retryPolicy(step.nodeId);
      if (result.retryable && mayRetry(policy, step.attempt)) {
        const delayMs = execution.testMode && execution.skipWaits ? 0 : retryDelayMs(policy, step.attempt);
        const dueAt = new Date(now.getTime() + delayMs);
        return {
          kind: 'retry',
          step: record(failed),
          wait: { kind: 'retry', dueAt, relative: true, eventType: null, filter: null },
          delayMs,
        };
      }
      const errorTarget = flow.next(step.nodeId, ERROR_OUTPUT);
      if (errorTarget !== null) {
        return { kind: 'branch', step: record({ ...failed, outputName: ERROR_OUTPUT }), nodeId: errorTarget, vars: execution.vars };
      }
      return {
        kind: 'end',
        step: record(failed),
        status: 'failed',
        reason: 'failed',
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        vars: execution.vars,
      };
    }
  }
}
