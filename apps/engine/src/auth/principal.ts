import type { UserRole } from '../users/user-role';

/** Who is calling: resolved from the session on every request. */
export interface Principal {
  userId: string;
  workspaceId: string;
  role: UserRole;
  email: string;
  sessionId: string;
}
