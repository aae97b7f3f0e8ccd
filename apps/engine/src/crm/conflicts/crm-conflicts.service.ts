import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../auth/principal';
import { toE164 } from '../../contacts/phone-number';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import type { SyncedField } from '../connectors/crm-connector';

const conflictRow = z.object({
  id: z.string(),
  contact_id: z.string(),
  contact_name: z.string().nullable(),
  field: z.enum(['firstName', 'lastName', 'email', 'phone']),
  local_value: z.string().nullable(),
  local_changed_at: z.date(),
  remote_value: z.string().nullable(),
  remote_changed_at: z.date(),
  remote_source: z.string(),
  winner: z.enum(['local', 'remote']),
  status: z.enum(['open', 'accepted_local', 'accepted_remote', 'edited', 'dismissed']),
  resolved_value: z.string().nullable(),
  resolved_at: z.date().nullable(),
  created_at: z.date(),
});
type ConflictRow = z.infer<typeof conflictRow>;

const COLUMN: Record<SyncedField, string> = { firstName: 'first_name', lastName: 'last_name', email: 'email', phone: 'phone_e164' };

export type ConflictDecision = 'local' | 'remote' | 'edit' | 'dismiss';

function view(row: ConflictRow) {
  return {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    field: row.field,
    local: { value: row.local_value, changedAt: row.local_changed_at.toISOString(), source: 'parley' },
    remote: { value: row.remote_value, changedAt: row.remote_changed_at.toISOString(), source: row.remote_source },
    winner: row.winner,
    status: row.status,
    resolvedValue: row.resolved_value,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
export type ConflictView = ReturnType<typeof view>;

const SELECT = `SELECT k.id, k.contact_id, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS contact_name, k.field, k.local_value, k.local_changed_at,
                       k.remote_value, k.remote_changed_at, k.remote_source, k.winner, k.status, k.resolved_value, k.resolved_at, k.created_at
                  FROM crm_conflicts k JOIN contacts c ON c.id = k.contact_id`;

/**
 * The review queue of fields changed on both sides. The sync already applied
 * the later change; a person confirms it, takes the other value, writes a
 * new one, or dismisses. A chosen value is written to the contact as a
 * normal edit, so the outbox carries it to the CRM. Every decision is audited.
 */
@Injectable()
export class CrmConflictsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(workspaceId: string, status: 'open' | 'resolved' | 'all'): Promise<ConflictView[]> {
    const where = status === 'open' ? `AND k.status = 'open'` : status === 'resolved' ? `AND k.status <> 'open'` : '';
    const rows = await sqlRows(
      this.dataSource,
      conflictRow,
      `${SELECT} WHERE k.workspace_id = $1 ${where} ORDER BY k.created_at DESC LIMIT 200`,
      [workspaceId],
    );
    return rows.map(view);
  }

  async resolve(principal: Principal, id: string, decision: ConflictDecision, edited: string | null | undefined): Promise<ConflictView> {
    return this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(manager, conflictRow, `${SELECT} WHERE k.id = $1 AND k.workspace_id = $2 FOR UPDATE OF k`, [
        id,
        principal.workspaceId,
      ]);
      if (!row) throw new NotFoundException(`id: no conflict ${id} in this workspace`);
      if (row.status !== 'open') throw new ConflictException(`id: this conflict was resolved already (${row.status})`);
      let value: string | null = null;
      if (decision === 'local') value = row.local_value;
      if (decision === 'remote') value = row.remote_value;
      if (decision === 'edit') {
        if (edited === undefined) throw new BadRequestException('value: give the value to keep');
        value = edited === null || edited.trim() === '' ? null : edited.trim();
        if (value !== null && row.field === 'phone') {
          const e164 = toE164(value);
          if (!e164) throw new BadRequestException(`value: "${value}" is not a valid phone number`);
          value = e164;
        }
        if (value !== null && row.field === 'email') {
          if (!z.email().safeParse(value).success) throw new BadRequestException(`value: "${value}" is not an email address`);
          value = value.toLowerCase();
        }
      }
      if (decision !== 'dismiss') {
        await manager.query(`UPDATE contacts SET ${COLUMN[row.field]} = $2, updated_at = clock_timestamp() WHERE id = $1`, [
          row.contact_id,
          value,
        ]);
      }
      const status =
        decision === 'local' ? 'accepted_local' : decision === 'remote' ? 'accepted_remote' : decision === 'edit' ? 'edited' : 'dismissed';
      const updated = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `UPDATE crm_conflicts SET status = $2, resolved_value = $3, resolved_by = $4, resolved_at = clock_timestamp() WHERE id = $1 RETURNING id`,
        [id, status, decision === 'dismiss' ? null : value, principal.userId],
      );
      if (!updated) throw new Error('conflict update returned nothing');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'crm.conflict_resolved',
          subjectType: 'contact',
          subjectId: row.contact_id,
          details: {
            conflictId: id,
            field: row.field,
            decision,
            value: decision === 'dismiss' ? null : value,
            local: row.local_value,
            remote: row.remote_value,
          },
        },
        manager,
      );
      const after = await sqlRow(manager, conflictRow, `${SELECT} WHERE k.id = $1`, [id]);
      if (!after) throw new Error('conflict vanished');
      return view(after);
    });
  }
}
