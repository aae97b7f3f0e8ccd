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
    await this.recordMany([entry], manager);
  }

  /**
   * Appends many entries in one statement (a bulk job's batch). The chain
   * trigger runs per row and sees the rows inserted before it in the same
   * statement, so they chain one after another in the order given.
   */
  async recordMany(entries: readonly AuditRecord[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (entries.length === 0) return;
    const origin = currentRequestOrigin();
    // A change made with an API key is the key's, not the person who once created it.
    const apiKey = origin?.apiKey ?? null;
    await manager.query(
      `INSERT INTO audit_log (workspace_id, actor_user_id, action, subject_type, subject_id, details, ip, user_agent)
       SELECT workspace_id, actor_user_id, action, subject_type, subject_id, details, $7, $8
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
              WITH ORDINALITY AS t(workspace_id, actor_user_id, action, subject_type, subject_id, details, position)
        ORDER BY position`,
      [
        entries.map((e) => e.workspaceId),
        entries.map((e) => (apiKey ? null : e.actorUserId)),
        entries.map((e) => e.action),
        entries.map((e) => e.subjectType),
        entries.map((e) => e.subjectId),
        entries.map((e) => JSON.stringify(apiKey ? { ...e.details, actorApiKey: apiKey } : (e.details ?? {}))),
        origin?.ip ?? null,
        origin?.userAgent ?? null,
      ],
    );
  }
}
