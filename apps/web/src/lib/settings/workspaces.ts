import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

export const workspaceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  users: z.number(),
  admins: z.array(z.string()),
  /** Users of other workspaces added to this one. */
  members: z.array(z.object({ userId: z.string(), email: z.string(), role: z.enum(['admin', 'marketer', 'support']) })).default([]),
});
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;
export const workspacesResponseSchema = z.object({ data: z.array(workspaceSummarySchema) });
export const installationSchema = z.object({ installationAdmin: z.boolean() });

export function createWorkspace(input: { name: string; admin: { email: string; displayName?: string } }) {
  return callEngine(
    '/api/installation/workspaces',
    z.object({ workspace: workspaceSummarySchema, adminEmail: z.string(), temporaryPassword: z.string() }),
    { method: 'POST', body: JSON.stringify(input) },
  );
}

export function addMember(workspaceId: string, input: { email: string; role: 'admin' | 'marketer' | 'support' }) {
  return callEngine(`/api/installation/workspaces/${encodeURIComponent(workspaceId)}/members`, workspaceSummarySchema, {
    method: 'POST',
    body: JSON.stringify(input),
  });
}

export function removeMember(workspaceId: string, userId: string) {
  return callEngine(
    `/api/installation/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(userId)}`,
    workspaceSummarySchema,
    { method: 'DELETE' },
  );
}
