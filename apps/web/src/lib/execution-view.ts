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

/** Body of GET /api/executions. */
export const executionListSchema = z.object({ data: z.array(executionSummarySchema) });
/** Body of GET /api/executions/:id. */
export const executionDetailSchema = executionSummarySchema.extend({ steps: z.array(executionStepSchema) });

export type ExecutionSummary = z.infer<typeof executionSummarySchema>;
export type ExecutionStep = z.infer<typeof executionStepSchema>;
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;

/** Body of GET /api/flows/:id/versions (what the replay needs to find the version an execution ran). */
export const versionListSchema = z.object({ data: z.array(z.object({ id: z.string(), version: z.number() })) });
export const versionDetailSchema = z.object({ id: z.string(), version: z.number(), definition: z.unknown() });
