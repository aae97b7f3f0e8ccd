import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditRecord {
  workspaceId: string;
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the audit log; pass the transaction's manager so the entry commits with the change. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (workspace_id, actor_user_id, action, subject_type, subject_id, details)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.workspaceId, entry.actorUserId, entry.action, entry.subjectType, entry.subjectId, JSON.stringify(entry.details ?? {})],
    );
  }
}
