import type { UserRole } from './session-user';

const LABELS: Record<UserRole, string> = {
  admin: 'Admin',
  marketer: 'Marketer',
  support: 'Support',
};

export function formatRole(role: UserRole): string {
  return LABELS[role];
}
