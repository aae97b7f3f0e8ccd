import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { WORKSPACE_ADMIN_IDS_SQL } from '../notifications/workspace-admins';
import { sqlRow, sqlRows } from '../database/sql-rows';

/**
 * Serialises changes to the admins of these workspaces (their own users and
 * the users added to them) until the transaction ends, so two changes at once
 * cannot both remove "another" admin. Taken in id order, so two transactions
 * locking overlapping sets never deadlock.
 */
export async function lockWorkspaceAdmins(manager: EntityManager, workspaceIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(workspaceIds)].sort())
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('parley.workspace_admins:' || $1::text, 0))`, [id]);
}

/** Active admins of the workspace other than `userId`, added ones included. */
export async function otherActiveAdmins(manager: EntityManager, workspaceId: string, userId: string): Promise<number> {
  const row = await sqlRow(
    manager,
    z.object({ n: z.number() }),
    `SELECT count(*)::int AS n FROM (${WORKSPACE_ADMIN_IDS_SQL}) admins WHERE admins.id <> $2`,
    [workspaceId, userId],
  );
  return row?.n ?? 0;
}

/** The workspaces `userId` was added to as an admin. */
export async function adminMemberships(manager: EntityManager, userId: string): Promise<{ id: string; name: string }[]> {
  return sqlRows(
    manager,
    z.object({ id: z.string(), name: z.string() }),
    `SELECT w.id, w.name FROM workspace_memberships m JOIN workspaces w ON w.id = m.workspace_id
      WHERE m.user_id = $1 AND m.role = 'admin' ORDER BY w.id`,
    [userId],
  );
}
