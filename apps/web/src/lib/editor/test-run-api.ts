import { z } from 'zod';
import { type ExecutionDetail, executionDetailSchema } from '../execution-view';
import { callEngine } from './engine-client';

export const testCustomerSchema = z.object({
  waId: z.string(),
  name: z.string(),
  contactId: z.string().nullable(),
  lastMessage: z.string().nullable(),
  lastInboundAt: z.string().nullable(),
});
export type TestCustomer = z.infer<typeof testCustomerSchema>;

/** Body of GET /api/test-runs/customers. */
export const testCustomersSchema = z.object({
  available: z.boolean(),
  reason: z.string().nullable(),
  customers: z.array(testCustomerSchema),
});
export type TestCustomers = z.infer<typeof testCustomersSchema>;

/** Body of GET /api/flows/:id/test-runs/sample-event: the event the draft's trigger listens for. */
export const sampleEventSchema = z.object({
  type: z.string(),
  eventTypes: z.array(z.string()),
  payload: z.record(z.string(), z.unknown()),
});
export type SampleEvent = z.infer<typeof sampleEventSchema>;

const startedSchema = z.object({ executionId: z.string(), contactId: z.string(), eventId: z.string(), flowVersionId: z.string() });

const refusalSchema = z.object({
  code: z.string().optional(),
  issues: z.array(z.object({ nodeId: z.string().optional(), message: z.string() }).loose()).optional(),
});

export interface TestRunRequest {
  customer: { waId: string; name?: string };
  event: { type: string; payload: Record<string, unknown> };
  skipWaits: boolean;
}

export type TestRunStart =
  | { kind: 'started'; executionId: string }
  /** The draft does not pass the publish checks; the issues say where. */
  | { kind: 'invalid-flow'; message: string; issues: { nodeId?: string; message: string }[] }
  /** Anything else the engine refused (bad event, no simulator, event that does not start the trigger), in its own words. */
  | { kind: 'refused'; code: string | null; message: string };

function flowPath(flowId: string): string {
  return `/api/flows/${encodeURIComponent(flowId)}`;
}

function executionPath(executionId: string): string {
  return `/api/executions/${encodeURIComponent(executionId)}`;
}

export type Loaded<T> = { ok: true; data: T } | { ok: false; message: string };

export async function fetchTestCustomers(): Promise<Loaded<TestCustomers>> {
  const answer = await callEngine('/api/test-runs/customers', testCustomersSchema);
  return answer.ok ? { ok: true, data: answer.data } : { ok: false, message: answer.message };
}

export async function fetchSampleEvent(flowId: string): Promise<Loaded<SampleEvent>> {
  const answer = await callEngine(`${flowPath(flowId)}/test-runs/sample-event`, sampleEventSchema);
  return answer.ok ? { ok: true, data: answer.data } : { ok: false, message: answer.message };
}

/** Starts the saved draft in test mode; the caller saves the draft first. */
export async function startTestRun(flowId: string, request: TestRunRequest): Promise<TestRunStart> {
  const answer = await callEngine(`${flowPath(flowId)}/test-runs`, startedSchema, { method: 'POST', body: JSON.stringify(request) });
  if (answer.ok) return { kind: 'started', executionId: answer.data.executionId };
  const refusal = refusalSchema.safeParse(answer.body);
  const code = refusal.success ? (refusal.data.code ?? null) : null;
  if (code === 'invalid_flow') {
    const issues = refusal.success ? (refusal.data.issues ?? []).map((issue) => ({ nodeId: issue.nodeId, message: issue.message })) : [];
    return { kind: 'invalid-flow', message: answer.message, issues };
  }
  if (answer.status === 404) return { kind: 'refused', code: 'not_found', message: 'This flow no longer exists.' };
  return { kind: 'refused', code, message: answer.message };
}

export async function fetchExecution(executionId: string): Promise<Loaded<ExecutionDetail>> {
  const answer = await callEngine(executionPath(executionId), executionDetailSchema);
  return answer.ok ? { ok: true, data: answer.data } : { ok: false, message: answer.message };
}

/** Ends the wait of a waiting test execution now. */
export async function skipTestWait(executionId: string): Promise<Loaded<true>> {
  const answer = await callEngine(`${executionPath(executionId)}/skip-wait`, z.unknown(), { method: 'POST', body: '{}' });
  return answer.ok ? { ok: true, data: true } : { ok: false, message: answer.message };
}

export async function cancelExecution(executionId: string): Promise<Loaded<true>> {
  const answer = await callEngine(`${executionPath(executionId)}/cancel`, z.unknown(), { method: 'POST', body: '{}' });
  return answer.ok ? { ok: true, data: true } : { ok: false, message: answer.message };
}
