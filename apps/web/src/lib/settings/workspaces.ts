import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

export const workspaceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  users: z.number(),
  admins: z.array(z.string()),
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
