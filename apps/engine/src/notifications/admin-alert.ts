import type { EntityManager } from 'typeorm';
import { WORKSPACE_ADMIN_IDS_SQL } from './workspace-admins';

export interface AdminAlert {
  workspaceId: string;
  kind: string;
  title: string;
  body: string;
  subjectType: string;
  subjectId: string | null;
}

/**
 * Notifies every active admin of a workspace (added ones included), in the caller's transaction
 * (the alert commits with the change that raised it, or not at all).
 */
export async function notifyAdmins(manager: EntityManager, alert: AdminAlert): Promise<void> {
  await manager.query(
    `INSERT INTO notifications (workspace_id, user_id, kind, title, body, subject_type, subject_id)
     SELECT $1, admins.id, $2, $3, $4, $5, $6 FROM (${WORKSPACE_ADMIN_IDS_SQL}) admins`,
    [alert.workspaceId, alert.kind, alert.title.slice(0, 500), alert.body.slice(0, 4000), alert.subjectType, alert.subjectId],
  );
}

/** Meta's template statuses that stop a template from sending. */
export const BLOCKING_TEMPLATE_STATUSES: readonly string[] = ['PAUSED', 'DISABLED', 'REJECTED'];

/** Meta's quality events that mean the number is at risk. */
export const WORSE_QUALITY_EVENTS: readonly string[] = ['DOWNGRADE', 'FLAGGED'];
