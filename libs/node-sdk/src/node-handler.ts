import type { RuntimeContact } from './runtime-contact';
import type { RuntimeEvent } from './runtime-event';
import type { WhatsAppSender } from './whatsapp-sender';

/** Services the engine lends to a step. Handlers never reach the database directly. */
export interface StepServices {
  whatsapp: WhatsAppSender;
  now(): Date;
}

export interface StepContext<TConfig> {
  config: TConfig;
  nodeId: string;
  executionId: string;
  workspaceId: string;
  contact: RuntimeContact | null;
  /** The event that started the execution. */
  event: RuntimeEvent;
  /** Key for side effects of this step; stable across retries and restarts. */
  idempotencyKey: string;
  services: StepServices;
}

/** What a step reports. `output` names the outgoing edge to follow. */
export type StepResult =
  | { outcome: 'continue'; output: string; data: Record<string, unknown> }
  | { outcome: 'end'; data: Record<string, unknown> }
  | { outcome: 'failed'; errorCode: string; errorMessage: string; retryable: boolean; data: Record<string, unknown> };

export interface TriggerMatchInput<TConfig> {
  config: TConfig;
  event: RuntimeEvent;
}

/** Server-side half of a trigger node type: decides whether an event starts the flow. */
export interface TriggerHandler<TConfig = unknown> {
  role: 'trigger';
  type: string;
  version: number;
  /** Event types this trigger listens to; others never reach `matches`. */
  eventTypes: readonly RuntimeEvent['type'][];
  matches(input: TriggerMatchInput<TConfig>): boolean;
}

/** Server-side half of any other node type: runs the step. */
export interface StepHandler<TConfig = unknown> {
  role: 'step';
  type: string;
  version: number;
  execute(context: StepContext<TConfig>): Promise<StepResult>;
}

export type NodeHandler<TConfig = unknown> = TriggerHandler<TConfig> | StepHandler<TConfig>;
