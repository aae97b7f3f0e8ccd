import { z } from 'zod';
import { callEngine, type ClientAnswer } from '../editor/engine-client';
import { USER_ROLES, type UserRole } from '../session-user';

export const workspaceUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  createdAt: z.string(),
  /** Added from another workspace (its name): an installation admin manages them under Workspaces. */
  addedFrom: z.string().nullable().default(null),
});
export type WorkspaceUser = z.infer<typeof workspaceUserSchema>;
export const usersResponseSchema = z.object({ data: z.array(workspaceUserSchema) });

export function createUser(input: { email: string; displayName: string; role: UserRole; password: string }) {
  return callEngine('/api/users', workspaceUserSchema, { method: 'POST', body: JSON.stringify(input) });
}

export function updateUser(id: string, change: { role?: UserRole; disabled?: boolean }): Promise<ClientAnswer<WorkspaceUser>> {
  return callEngine(`/api/users/${encodeURIComponent(id)}`, workspaceUserSchema, { method: 'PATCH', body: JSON.stringify(change) });
}

export function resetPassword(id: string) {
  return callEngine(
    `/api/users/${encodeURIComponent(id)}/password-reset`,
    z.object({ user: workspaceUserSchema, temporaryPassword: z.string() }),
    { method: 'POST', body: '{}' },
  );
}
