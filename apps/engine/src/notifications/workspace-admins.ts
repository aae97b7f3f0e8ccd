/**
 * SQL selecting the ids of a workspace's active admins (workspace id as $1):
 * its own admins and the admins added to it from other workspaces.
 */
export const WORKSPACE_ADMIN_IDS_SQL = `
  SELECT u.id FROM users u WHERE u.workspace_id = $1 AND u.role = 'admin' AND u.disabled_at IS NULL
  UNION
  SELECT m.user_id FROM workspace_memberships m JOIN users u ON u.id = m.user_id
   WHERE m.workspace_id = $1 AND m.role = 'admin' AND u.disabled_at IS NULL`;

/** SQL condition that user `userColumn` works in workspace `workspaceParameter` (their own, or one they were added to). */
export function worksInWorkspace(userColumn: string, workspaceParameter: string): string {
  return `(EXISTS (SELECT 1 FROM users w WHERE w.id = ${userColumn} AND w.workspace_id = ${workspaceParameter})
     OR EXISTS (SELECT 1 FROM workspace_memberships wm WHERE wm.user_id = ${userColumn} AND wm.workspace_id = ${workspaceParameter}))`;
}
