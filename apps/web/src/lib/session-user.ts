import { z } from 'zod';

export const USER_ROLES = ['admin', 'marketer', 'support'] as const;

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  workspaceId: z.string(),
});

/** Body of GET /api/auth/me. */
export const meResponseSchema = z.object({
  user: sessionUserSchema,
  workspace: z.object({ id: z.string(), name: z.string() }).optional(),
});

export type SessionUser = z.infer<typeof sessionUserSchema>;
export type UserRole = SessionUser['role'];
