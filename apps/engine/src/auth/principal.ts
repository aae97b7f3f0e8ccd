import type { UserRole } from '../users/user-role';

/** Who is calling: resolved from the session (or an API key) on every request. */
export interface Principal {
  /** For an API key: the user who created it (audit trail), if still known. */
  userId: string;
  workspaceId: string;
  /** "integration" is an API key: it only reaches routes marked @AllowApiKey. */
  role: UserRole | 'integration';
  email: string;
  sessionId: string;
}
