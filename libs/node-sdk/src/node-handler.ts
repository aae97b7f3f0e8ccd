import type { EventType } from '@parley/flow-core';
import type { RuntimeContact } from './runtime-contact';
import type { RuntimeEvent } from './runtime-event';
import type { StepServices } from './step-services';

export interface StepContext<TConfig> {
  config: TConfig;
  nodeId: string;
  flowId: string;
  executionId: string;
  workspaceId: string;
  contact: RuntimeContact;
  /** The event that started the execution. */
  event: RuntimeEvent;
  /** Flow variables set so far. */
  vars: Readonly<Record<string, unknown>>;
  /** Key for side effects of this step; stable across retries and restarts. */
  idempotencyKey: string;
  /** 1 for the first try, then 2, 3... for retries. */
  attempt: number;
  testMode: boolean;
  /** Workspace defaults (e.g. the time zone of contacts that have none). */
  workspace: { timeZone: string };
  services: StepServices;
}

/** What a waiting step asks the engine to wait for. */
export type WaitRequest =
  { kind: 'delay' | 'until'; resumeAt: Date } | { kind: 'event'; eventType: EventType; filter: unknown; timeoutAt: Date | null };

/** Why a waiting step wakes up. */
export interface WakeUp {
  outcome: 'elapsed' | 'received' | 'timeout';
  event: RuntimeEvent | null;
  /** How late the wake-up is against its due time (0 for events). */
  lateByMs: number;
}

/** What a step reports. `output` names the outgoing edge to follow. */
export type StepResult =
  | {
      outcome: 'continue';
      output: string;
      data: Record<string, unknown>;
      vars?: Record<string, unknown>;
      decision?: Record<string, unknown>;
    }
  | { outcome: 'end'; data: Record<string, unknown> }
  | { outcome: 'wait'; wait: WaitRequest; data: Record<string, unknown> }
  | { outcome: 'failed'; errorCode: string; errorMessage: string; retryable: boolean; data: Record<string, unknown> };

export interface TriggerMatchInput<TConfig> {
  config: TConfig;
  event: RuntimeEvent;
  /** The flow being matched (schedule, webhook and manual events name the flow they are for). */
  flowId: string;
  matchIntent(text: string, intent: string): boolean;
}

/** Server-side half of a trigger node type: decides whether an event starts the flow. */
export interface TriggerHandler<TConfig = unknown> {
  role: 'trigger';
  type: string;
  version: number;
  /** Event types this trigger listens to; others never reach `matches`. */
  eventTypes: readonly EventType[];
  matches(input: TriggerMatchInput<TConfig>): boolean;
}

/** Server-side half of any other node type: runs the step. */
export interface StepHandler<TConfig = unknown> {
  role: 'step';
  type: string;
  version: number;
  execute(context: StepContext<TConfig>): Promise<StepResult>;
  /** Called when a step that asked to wait wakes up; without it the step continues on "next". */
  resume?(context: StepContext<TConfig>, wake: WakeUp): Promise<StepResult>;
}

export type NodeHandler<TConfig = unknown> = TriggerHandler<TConfig> | StepHandler<TConfig>;
