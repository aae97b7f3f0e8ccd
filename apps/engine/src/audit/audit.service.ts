import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentRequestOrigin } from './request-origin';

export interface AuditRecord {
  workspaceId: string;
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends to the audit log; pass the transaction's manager so the entry commits
 * with the change. The database chains the entry (its trigger takes a
 * per-workspace lock until the transaction ends and fills the hashes), and the
 * entry says where the request came from when one is being served, and names
 * the API key as the actor when the request was made with one.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const origin = currentRequestOrigin();
    // A change made with an API key is the key's, not the person who once created it.
    const apiKey = origin?.apiKey ?? null;
    const details = apiKey ? { ...entry.details, actorApiKey: apiKey } : (entry.details ?? {});
    await manager.query(
      `INSERT INTO audit_log (workspace_id, actor_user_id, action, subject_type, subject_id, details, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.workspaceId,
        apiKey ? null : entry.actorUserId,
        entry.action,
        entry.subjectType,
        entry.subjectId,
        JSON.stringify(details),
        origin?.ip ?? null,
        origin?.userAgent ?? null,
      ],
    );
  }
}
