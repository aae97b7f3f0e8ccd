import { z } from 'zod';

export const USER_ROLES = ['admin', 'marketer', 'support'] as const;

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  workspaceId: z.string(),
});

export const workspaceMembershipSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(USER_ROLES), home: z.boolean() });

/** Body of GET /api/auth/me. */
export const meResponseSchema = z.object({
  user: sessionUserSchema,
  workspace: z.object({ id: z.string(), name: z.string() }).optional(),
  /** Every workspace the user may switch to (their own first). */
  memberships: z.array(workspaceMembershipSchema).default([]),
});

export type WorkspaceMembership = z.infer<typeof workspaceMembershipSchema>;

export type SessionUser = z.infer<typeof sessionUserSchema>;
export type UserRole = SessionUser['role'];
