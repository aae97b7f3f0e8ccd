import type { UserRole } from './user-role';

export interface UserChange {
  role?: UserRole;
  disabled?: boolean;
}

export interface AdminChangeFacts {
  /** The user being changed, as stored now. */
  target: { id: string; role: UserRole; disabled: boolean };
  actorUserId: string;
  /** Active admins of the workspace other than the target: its own users and the users added to it as admins. */
  otherActiveAdmins: number;
  /**
   * The other workspaces the target was added to as an admin, with their
   * other active admins: deactivating a user ends their work there too.
   */
  adminElsewhere?: readonly { workspaceName: string; otherActiveAdmins: number }[];
}

/**
 * Why a change to a user is refused, or null when it may go ahead. A
 * workspace always keeps one active admin (else nobody could manage it but
 * SQL), and an admin never locks themselves out by accident.
 */
export function refuseUserChange(change: UserChange, facts: AdminChangeFacts): string | null {
  const { target } = facts;
  const roleAfter = change.role ?? target.role;
  const disabledAfter = change.disabled ?? target.disabled;
  const activeAdminBefore = target.role === 'admin' && !target.disabled;
  const activeAdminAfter = roleAfter === 'admin' && !disabledAfter;
  if (target.id === facts.actorUserId && activeAdminBefore && !activeAdminAfter) {
    return 'You cannot demote or deactivate yourself; ask another admin.';
  }
  if (activeAdminBefore && !activeAdminAfter && facts.otherActiveAdmins === 0) {
    return 'This is the last active admin of the workspace: make another user admin first.';
  }
  if (disabledAfter && !target.disabled) {
    const orphaned = (facts.adminElsewhere ?? []).find((w) => w.otherActiveAdmins === 0);
    if (orphaned)
      return `This user is the last active admin of the workspace “${orphaned.workspaceName}” (added there): make another user admin there first.`;
  }
  return null;
}

/**
 * Why removing a user added to a workspace is refused, or null: the last
 * active admin of a workspace stays, whichever workspace they came from.
 */
export function refuseMemberRemoval(member: { role: UserRole; disabled: boolean }, otherActiveAdmins: number): string | null {
  if (member.role === 'admin' && !member.disabled && otherActiveAdmins === 0)
    return 'This is the last active admin of the workspace: make another user admin first.';
  return null;
}
