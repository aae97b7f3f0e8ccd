import { z } from 'zod';
import { callEngine, type ClientAnswer } from './editor/engine-client';

function flowPath(flowId: string): string {
  return `/api/flows/${encodeURIComponent(flowId)}`;
}

const archivedSchema = z.object({ id: z.string(), archivedAt: z.string().nullable() });

/** Archives a flow: unpublished (no new runs), runs in progress finish, out of the list; its history stays. */
export function archiveFlow(flowId: string): Promise<ClientAnswer<z.infer<typeof archivedSchema>>> {
  return callEngine(`${flowPath(flowId)}/archive`, archivedSchema, { method: 'POST', body: JSON.stringify({ running: 'finish' }) });
}

/** Brings an archived flow back as an unpublished draft. */
export function restoreFlow(flowId: string): Promise<ClientAnswer<z.infer<typeof archivedSchema>>> {
  return callEngine(`${flowPath(flowId)}/restore`, archivedSchema, { method: 'POST', body: '{}' });
}

/** Deletes a flow that never ran (the engine refuses any other). */
export function deleteFlow(flowId: string): Promise<ClientAnswer<unknown>> {
  return callEngine(flowPath(flowId), z.unknown(), { method: 'DELETE' });
}
