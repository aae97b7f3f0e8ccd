import { Injectable } from '@nestjs/common';
import type { CrmContact } from '@parley/node-sdk';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlRow } from '../database/sql-rows';

export interface CrmScope {
  workspaceId: string;
  contactId: string;
  executionId: string;
  /** The step's idempotency key: the record is created at most once for it. */
  idempotencyKey: string;
}

const resultRow = z.object({ result: z.object({ id: z.string() }) });

/**
 * The built-in CRM store's writes from flows (opportunities, tasks). Each is
 * written in the same transaction as its side-effect record, so a retried or
 * resumed step finds the record instead of creating a second one.
 */
@Injectable()
export class CrmStoreService {
  constructor(private readonly dataSource: DataSource) {}

  private async once(
    scope: CrmScope,
    kind: string,
    request: Record<string, unknown>,
    insert: (manager: EntityManager) => Promise<string>,
  ): Promise<{ id: string }> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await sqlRow(
        manager,
        resultRow,
        `SELECT result FROM side_effects WHERE idempotency_key = $1 AND status = 'succeeded'`,
        [scope.idempotencyKey],
      );
      if (existing) return existing.result;
      const id = await insert(manager);
      await manager.query(
        `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, kind, status, request, result)
         VALUES ($1, $2, $3, $4, 'succeeded', $5, $6)`,
        [scope.idempotencyKey, scope.workspaceId, scope.executionId, kind, JSON.stringify(request), JSON.stringify({ id })],
      );
      return { id };
    });
  }

  createOpportunity(
    scope: CrmScope,
    input: { title: string; stage: string; amount: number | null; currency: string | null; source: string | null },
  ): Promise<{ id: string }> {
    return this.once(scope, 'crm.create_opportunity', input, async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO opportunities (workspace_id, contact_id, title, stage, amount, currency, source, execution_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [scope.workspaceId, scope.contactId, input.title, input.stage, input.amount, input.currency, input.source, scope.executionId],
      );
      if (!row) throw new Error('opportunity insert returned nothing');
      return row.id;
    });
  }

  createTask(
    scope: CrmScope,
    input: { title: string; notes: string; dueAt: Date | null; assignedUserId: string | null },
  ): Promise<{ id: string }> {
    return this.once(scope, 'crm.create_task', { ...input, dueAt: input.dueAt?.toISOString() ?? null }, async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO tasks (workspace_id, contact_id, title, notes, due_at, assigned_user_id, execution_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [scope.workspaceId, scope.contactId, input.title, input.notes, input.dueAt, input.assignedUserId, scope.executionId],
      );
      if (!row) throw new Error('task insert returned nothing');
      return row.id;
    });
  }

  addNote(scope: CrmScope, input: { text: string }): Promise<{ id: string }> {
    return this.once(scope, 'crm.add_note', input, async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO crm_notes (workspace_id, contact_id, text, execution_id) VALUES ($1, $2, $3, $4) RETURNING id`,
        [scope.workspaceId, scope.contactId, input.text, scope.executionId],
      );
      if (!row) throw new Error('note insert returned nothing');
      return row.id;
    });
  }

  /** The workspace's contact with this number (the built-in store is Parley's contacts). */
  async findByPhone(workspaceId: string, e164: string): Promise<CrmContact | null> {
    const row = await sqlRow(
      this.dataSource,
      z.object({
        id: z.string(),
        first_name: z.string().nullable(),
        last_name: z.string().nullable(),
        email: z.string().nullable(),
        phone_e164: z.string().nullable(),
      }),
      `SELECT id, first_name, last_name, email, phone_e164 FROM contacts
        WHERE workspace_id = $1 AND phone_e164 = $2 AND merged_into_id IS NULL ORDER BY created_at LIMIT 1`,
      [workspaceId, e164],
    );
    if (!row) return null;
    return { id: row.id, type: 'contact', firstName: row.first_name, lastName: row.last_name, email: row.email, phone: row.phone_e164 };
  }
}
