import { type FlowDocument, parseFlowDocument } from '@parley/flow-core';
import { z } from 'zod';
import { flowDetailSchema } from '../flow-detail';
import { callEngine, type ClientAnswer } from './engine-client';
import type { LoadedFlow } from './editor-store';

const serverIssueSchema = z.object({ message: z.string(), nodeId: z.string().optional() });
export type ServerIssue = z.infer<typeof serverIssueSchema>;

export const flowVersionSummarySchema = z.object({
  id: z.string(),
  version: z.number(),
  triggerType: z.string(),
  publishedBy: z.string().nullable(),
  publishedAt: z.string(),
});
export type FlowVersionSummary = z.infer<typeof flowVersionSummarySchema>;

const versionDetailSchema = flowVersionSummarySchema.extend({ definition: z.unknown() });

function flowPath(flowId: string): string {
  return `/api/flows/${encodeURIComponent(flowId)}`;
}

/** The flow as the server has it now, ready for the editor. */
export async function fetchFlow(flowId: string): Promise<{ ok: true; flow: LoadedFlow } | { ok: false; message: string }> {
  const answer = await callEngine(flowPath(flowId), flowDetailSchema);
  if (!answer.ok) return { ok: false, message: answer.message };
  const parsed = parseFlowDocument(answer.data.definition);
  if (!parsed.ok) return { ok: false, message: 'The saved draft is not a flow this version of Parley can read.' };
  const published = answer.data.publishedVersion;
  return {
    ok: true,
    flow: {
      name: answer.data.name,
      description: answer.data.description,
      revision: answer.data.revision,
      document: parsed.document,
      published: published ? { version: published.version, publishedAt: published.publishedAt } : null,
    },
  };
}

export type SaveResult = { kind: 'saved'; revision: number } | { kind: 'conflict'; message: string } | { kind: 'failed'; message: string };

export function draftBody(revision: number, document: FlowDocument): string {
  return JSON.stringify({ revision, definition: document });
}

export async function saveDraft(flowId: string, revision: number, document: FlowDocument): Promise<SaveResult> {
  const answer = await callEngine(flowPath(flowId), z.object({ revision: z.number() }), {
    method: 'PUT',
    body: draftBody(revision, document),
  });
  if (answer.ok) return { kind: 'saved', revision: answer.data.revision };
  if (answer.status === 409) return { kind: 'conflict', message: answer.message };
  return { kind: 'failed', message: answer.message };
}

/** Saves the flow's name and description (the draft's revision token applies to them too). */
export async function saveDetails(flowId: string, revision: number, details: { name: string; description: string }): Promise<SaveResult> {
  const answer = await callEngine(flowPath(flowId), z.object({ revision: z.number() }), {
    method: 'PUT',
    body: JSON.stringify({ revision, name: details.name, description: details.description }),
  });
  if (answer.ok) return { kind: 'saved', revision: answer.data.revision };
  if (answer.status === 409) return { kind: 'conflict', message: answer.message };
  return { kind: 'failed', message: answer.message };
}

/** Sends a save that outlives the page (leaving, reloading); its answer is never read. */
export function saveDraftOnLeave(flowId: string, revision: number, document: FlowDocument): void {
  const body = draftBody(revision, document);
  // Browsers cap keepalive bodies at 64 KiB; a larger draft relies on the debounced save having run.
  if (body.length > 60_000) return;
  void fetch(flowPath(flowId), {
    method: 'PUT',
    body,
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
  }).catch(() => undefined);
}

export type PublishResult =
  | { kind: 'published'; version: number; publishedAt: string }
  | { kind: 'invalid'; message: string; issues: ServerIssue[] }
  | { kind: 'failed'; message: string };

export async function publishFlow(flowId: string, revision: number): Promise<PublishResult> {
  const answer = await callEngine(`${flowPath(flowId)}/publish`, flowVersionSummarySchema, {
    method: 'POST',
    body: JSON.stringify({ revision }),
  });
  if (answer.ok) return { kind: 'published', version: answer.data.version, publishedAt: answer.data.publishedAt };
  if (answer.status === 422) {
    const body = z.object({ issues: z.array(serverIssueSchema) }).safeParse(answer.body);
    return { kind: 'invalid', message: answer.message, issues: body.success ? body.data.issues : [] };
  }
  return { kind: 'failed', message: answer.message };
}

export function listVersions(flowId: string): Promise<ClientAnswer<{ data: FlowVersionSummary[] }>> {
  return callEngine(`${flowPath(flowId)}/versions`, z.object({ data: z.array(flowVersionSummarySchema) }));
}

export async function fetchVersionDocument(
  flowId: string,
  version: number,
): Promise<{ ok: true; document: FlowDocument } | { ok: false; message: string }> {
  const answer = await callEngine(`${flowPath(flowId)}/versions/${version}`, versionDetailSchema);
  if (!answer.ok) return { ok: false, message: answer.message };
  const parsed = parseFlowDocument(answer.data.definition);
  return parsed.ok ? { ok: true, document: parsed.document } : { ok: false, message: 'This version cannot be read by this build.' };
}

export function restoreVersion(flowId: string, version: number): Promise<ClientAnswer<FlowVersionSummary>> {
  return callEngine(`${flowPath(flowId)}/rollback`, flowVersionSummarySchema, { method: 'POST', body: JSON.stringify({ version }) });
}

export function createFlow(input: { name: string; description: string; definition?: unknown }): Promise<ClientAnswer<{ id: string }>> {
  return callEngine('/api/flows', z.object({ id: z.string() }), { method: 'POST', body: JSON.stringify(input) });
}
