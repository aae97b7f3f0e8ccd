import { z } from 'zod';

export const executionSummarySchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowVersionId: z.string().nullable(),
  contactId: z.string().nullable(),
  status: z.string(),
  endedReason: z.string().nullable(),
  testMode: z.boolean().default(false),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Who it ran for: the contact's name and number. */
  contact: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable() }).nullable().default(null),
  /** The version it ran: a published number, or the draft revision a test run froze. */
  version: z
    .object({ number: z.number(), kind: z.enum(['published', 'test']) })
    .nullable()
    .default(null),
  /** Active, and nothing happened for 15 minutes past when it should have: the health strip's "stuck". */
  stuck: z.boolean().default(false),
});

export const executionStepSchema = z.object({
  sequence: z.number(),
  nodeId: z.string(),
  nodeType: z.string(),
  status: z.string(),
  visit: z.number(),
  attempt: z.number(),
  decision: z.unknown(),
  input: z.unknown(),
  output: z.unknown(),
  outputName: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});

/** What a waiting execution waits for (one open wait at most). */
export const pendingWaitSchema = z.object({
  nodeId: z.string(),
  // A string, not an enum: a kind added to the engine later must not make the whole execution unreadable here.
  kind: z.string(),
  dueAt: z.string().nullable(),
  eventType: z.string().nullable(),
});

/** Body of GET /api/executions. */
export const executionListSchema = z.object({ data: z.array(executionSummarySchema) });
/** Body of GET /api/executions/:id. */
export const executionDetailSchema = executionSummarySchema.extend({
  steps: z.array(executionStepSchema),
  pendingWait: pendingWaitSchema.nullable().default(null),
});

/** An outbound call an execution made (a send, a CRM write) under its idempotency key, and its outcome. */
export const sideEffectSchema = z.object({
  idempotencyKey: z.string(),
  nodeId: z.string().nullable(),
  kind: z.string(),
  status: z.string(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  wamid: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** The admin console's detail page: the execution with its side effects. */
export const executionWithSideEffectsSchema = executionDetailSchema.extend({ sideEffects: z.array(sideEffectSchema).default([]) });

export type SideEffectView = z.infer<typeof sideEffectSchema>;
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;
export type ExecutionStep = z.infer<typeof executionStepSchema>;
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;
export type PendingWait = z.infer<typeof pendingWaitSchema>;

/** Body of GET /api/executions/:id/flow-version: the version an execution ran, to replay it on. */
export const versionDetailSchema = z.object({
  id: z.string(),
  version: z.number(),
  kind: z.enum(['published', 'test']).default('published'),
  definition: z.unknown(),
});
