import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import { EventWriterService } from '../../events/event-writer.service';
import { MERGE_COLUMNS, MERGE_FIELDS, type MergeField, type MergeSide, type MergeSubject, planMerge } from './merge-plan';

/** How long a merge can be undone. */
export const UNDO_DAYS = 30;

/** Tables whose references to contacts the merge itself keeps: they are not moved. */
const NOT_MOVED = new Set(['contact_merges', 'duplicate_candidates']);

const referenceRow = z.object({
  table_name: z.string(),
  column_name: z.string(),
  pk: z.array(z.object({ name: z.string(), type: z.string() })).nullable(),
  uniques: z.array(z.object({ columns: z.array(z.string()), predicate: z.string().nullable() })),
});
type Reference = z.infer<typeof referenceRow>;

const contactRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  merged_into_id: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  time_zone: z.string().nullable(),
  locale: z.string().nullable(),
  list: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
  updated_at: z.date(),
  snapshot: z.record(z.string(), z.unknown()),
});
type ContactRow = z.infer<typeof contactRow>;

const movedSchema = z.object({
  /** Rows whose contact column now names the kept contact, by "table.column", as their primary keys. */
  rows: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  /** Messages and notes moved from the merged contact's conversation into the kept one's on the same number. */
  conversations: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      status: z.string(),
      messages: z.array(z.string()),
      notes: z.array(z.string()),
    }),
  ),
});
export type MovedRows = z.infer<typeof movedSchema>;

const mergeRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  kept_contact_id: z.string(),
  merged_contact_id: z.string(),
  candidate_id: z.string().nullable(),
  kept_before: z.record(z.string(), z.unknown()),
  merged_before: z.record(z.string(), z.unknown()),
  moved: movedSchema,
  undo_until: z.date(),
  undone_at: z.date().nullable(),
});

export interface MergeRequest {
  workspaceId: string;
  keptId: string;
  mergedId: string;
  /** Field conflicts: which side's value the kept contact takes ("email", "fields.priority"...); the latest change by default. */
  choices?: Readonly<Record<string, MergeSide>>;
  candidateId?: string | null;
  actorUserId: string | null;
  automatic?: boolean;
}

export class MergeRefusedError extends ConflictException {}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function subjectOf(row: ContactRow): MergeSubject {
  const values: Record<MergeField, string | null> = {
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    email: row.email,
    timeZone: row.time_zone,
    locale: row.locale,
    list: row.list,
  };
  return { values, fields: row.fields, updatedAt: row.updated_at };
}

/**
 * Merges one contact into another and undoes it. Every row of every table
 * that references the merged contact moves to the kept one (found from the
 * schema's foreign keys, so tables added later move too), and the merge
 * records exactly which rows moved; the merged contact stays, hidden and
 * pointing at the kept one (lookups by its number or email follow it), so
 * undo within 30 days puts both back as they were. Owns contact_merges.
 */
@Injectable()
export class ContactMergeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The field conflicts a merge of these two would meet, with the default side of each. */
  async preview(workspaceId: string, keptId: string, mergedId: string) {
    const kept = await this.loadContact(this.dataSource.manager, workspaceId, keptId, false);
    const merged = await this.loadContact(this.dataSource.manager, workspaceId, mergedId, false);
    return planMerge(subjectOf(kept), subjectOf(merged), {});
  }

  async merge(request: MergeRequest, outer?: EntityManager): Promise<{ mergeId: string }> {
    const work = (manager: EntityManager) => this.mergeWithin(manager, request);
    return outer ? work(outer) : this.dataSource.transaction(work);
  }

  private async mergeWithin(manager: EntityManager, request: MergeRequest): Promise<{ mergeId: string }> {
    const { workspaceId, keptId, mergedId } = request;
    if (keptId === mergedId) throw new MergeRefusedError('A contact cannot be merged into itself.');
    // Both locked in id order, so two merges of the same pair cannot deadlock.
    const [first, second] = [keptId, mergedId].sort();
    const lockedFirst = await this.loadContact(manager, workspaceId, first ?? keptId, true);
    const lockedSecond = await this.loadContact(manager, workspaceId, second ?? mergedId, true);
    const kept = lockedFirst.id === keptId ? lockedFirst : lockedSecond;
    const merged = lockedFirst.id === mergedId ? lockedFirst : lockedSecond;
    if (kept.merged_into_id !== null || merged.merged_into_id !== null) {
      throw new MergeRefusedError('One of the contacts was already merged into another.');
    }
    const plan = planMerge(subjectOf(kept), subjectOf(merged), request.choices ?? {});
    const moved: MovedRows = { rows: {}, conversations: await this.moveClashingConversations(manager, keptId, mergedId) };
    for (const reference of await this.references(manager)) {
      const rows = await this.moveRows(manager, reference, mergedId, keptId);
      if (rows.length > 0) moved.rows[`${reference.table_name}.${reference.column_name}`] = rows;
    }
    const now = this.clock.now();
    const sets = MERGE_FIELDS.map((field, i) => `${MERGE_COLUMNS[field]} = $${i + 3}`).join(', ');
    await manager.query(`UPDATE contacts SET ${sets}, fields = $${MERGE_FIELDS.length + 3}, updated_at = $2 WHERE id = $1`, [
      keptId,
      now,
      ...MERGE_FIELDS.map((field) => plan.values[field]),
      JSON.stringify(plan.fields),
    ]);
    await manager.query('UPDATE contacts SET merged_into_id = $2 WHERE id = $1', [mergedId, keptId]);
    const row = await sqlRow(
      manager,
      z.object({ id: z.string() }),
      `INSERT INTO contact_merges (workspace_id, kept_contact_id, merged_contact_id, candidate_id, kept_before, merged_before, moved,
                                   choices, automatic, merged_by_user_id, merged_at, undo_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        workspaceId,
        keptId,
        mergedId,
        request.candidateId ?? null,
        JSON.stringify(kept.snapshot),
        JSON.stringify(merged.snapshot),
        JSON.stringify(moved),
        JSON.stringify(request.choices ?? {}),
        request.automatic ?? false,
        request.actorUserId,
        now,
        new Date(now.getTime() + UNDO_DAYS * 86_400_000),
      ],
    );
    if (!row) throw new Error('contact_merges insert returned nothing');
    await manager.query(
      `UPDATE duplicate_candidates SET status = 'merged', decided_at = $4, decided_by_user_id = $5
        WHERE workspace_id = $1 AND status = 'open' AND contact_a_id = least($2::uuid, $3::uuid) AND contact_b_id = greatest($2::uuid, $3::uuid)`,
      [workspaceId, keptId, mergedId, now, request.actorUserId],
    );
    const movedCount = Object.values(moved.rows).reduce((sum, rows) => sum + rows.length, 0);
    await this.events.record(
      {
        workspaceId,
        contactId: keptId,
        type: 'contact.merged',
        source: 'contact',
        sourceId: `merge:${row.id}`,
        occurredAt: now,
        payload: { mergeId: row.id, mergedContactId: mergedId, automatic: request.automatic ?? false, rowsMoved: movedCount },
      },
      manager,
    );
    await this.audit.record(
      {
        workspaceId,
        actorUserId: request.actorUserId,
        action: 'contact.merged',
        subjectType: 'contact',
        subjectId: keptId,
        details: {
          mergeId: row.id,
          mergedContactId: mergedId,
          conflicts: plan.conflicts,
          choices: request.choices ?? {},
          rowsMoved: movedCount,
        },
      },
      manager,
    );
    return { mergeId: row.id };
  }

  /** Puts both contacts back as they were before the merge, and every moved row back on the merged contact. */
  async undo(
    workspaceId: string,
    mergeId: string,
    actorUserId: string | null,
  ): Promise<{ keptContactId: string; restoredContactId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const merge = await sqlRow(manager, mergeRow, 'SELECT * FROM contact_merges WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [
        mergeId,
        workspaceId,
      ]);
      if (!merge) throw new NotFoundException('No such merge in this workspace.');
      if (merge.undone_at !== null) throw new MergeRefusedError('This merge was already undone.');
      if (this.clock.now() > merge.undo_until)
        throw new MergeRefusedError(`A merge can be undone for ${UNDO_DAYS} days; this one is older.`);
      const kept = await this.loadContact(manager, workspaceId, merge.kept_contact_id, true);
      if (kept.merged_into_id !== null) {
        throw new MergeRefusedError('The kept contact was merged again since; undo that merge first.');
      }
      for (const conversation of merge.moved.conversations) {
        await manager.query('UPDATE messages SET conversation_id = $1 WHERE id = ANY($2::uuid[]) AND conversation_id = $3', [
          conversation.from,
          conversation.messages,
          conversation.to,
        ]);
        await manager.query('UPDATE conversation_notes SET conversation_id = $1 WHERE id = ANY($2::uuid[]) AND conversation_id = $3', [
          conversation.from,
          conversation.notes,
          conversation.to,
        ]);
        await manager.query('UPDATE conversations SET status = $2 WHERE id = $1', [conversation.from, conversation.status]);
      }
      const references = new Map((await this.references(manager)).map((r) => [`${r.table_name}.${r.column_name}`, r]));
      for (const [key, rows] of Object.entries(merge.moved.rows)) {
        const reference = references.get(key);
        if (!reference?.pk) throw new Error(`The merge moved rows of ${key}, which no longer exists`);
        const columns = reference.pk.map((c) => `${quote(c.name)} ${c.type}`).join(', ');
        const names = reference.pk.map((c) => quote(c.name)).join(', ');
        await manager.query(
          `UPDATE ${quote(reference.table_name)} SET ${quote(reference.column_name)} = $1
            WHERE (${names}) IN (SELECT ${names} FROM jsonb_to_recordset($2::jsonb) AS moved(${columns}))`,
          [merge.merged_contact_id, JSON.stringify(rows)],
        );
      }
      await this.restoreContact(manager, merge.kept_contact_id, merge.kept_before);
      await this.restoreContact(manager, merge.merged_contact_id, merge.merged_before);
      const now = this.clock.now();
      await manager.query('UPDATE contact_merges SET undone_at = $2, undone_by_user_id = $3 WHERE id = $1', [mergeId, now, actorUserId]);
      if (merge.candidate_id) {
        await manager.query(`UPDATE duplicate_candidates SET status = 'open', decided_at = NULL, decided_by_user_id = NULL WHERE id = $1`, [
          merge.candidate_id,
        ]);
      }
      await this.events.record(
        {
          workspaceId,
          contactId: merge.kept_contact_id,
          type: 'contact.merge_undone',
          source: 'contact',
          sourceId: `merge:${mergeId}:undone`,
          occurredAt: now,
          payload: { mergeId, restoredContactId: merge.merged_contact_id },
        },
        manager,
      );
      await this.audit.record(
        {
          workspaceId,
          actorUserId,
          action: 'contact.merge_undone',
          subjectType: 'contact',
          subjectId: merge.kept_contact_id,
          details: { mergeId, restoredContactId: merge.merged_contact_id },
        },
        manager,
      );
      return { keptContactId: merge.kept_contact_id, restoredContactId: merge.merged_contact_id };
    });
  }

  private async loadContact(manager: EntityManager, workspaceId: string, id: string, lock: boolean): Promise<ContactRow> {
    const row = await sqlRow(
      manager,
      contactRow,
      `SELECT c.id, c.workspace_id, c.merged_into_id, c.first_name, c.last_name, c.display_name, c.email, c.time_zone, c.locale,
              c.list, c.fields, c.updated_at, to_jsonb(c) AS snapshot
         FROM contacts c WHERE c.id = $1 AND c.workspace_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [id, workspaceId],
    );
    if (!row) throw new NotFoundException(`No contact ${id} in this workspace.`);
    return row;
  }

  /** Every column of the whole row back to the snapshot. */
  private async restoreContact(manager: EntityManager, id: string, snapshot: Record<string, unknown>): Promise<void> {
    const columns = await sqlRows(
      manager,
      z.object({ column_name: z.string() }),
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'contacts'
          AND column_name <> 'id' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    );
    const names = columns.map((c) => quote(c.column_name));
    await manager.query(
      `UPDATE contacts c SET (${names.join(', ')}) = (SELECT ${names.map((n) => `r.${n}`).join(', ')} FROM jsonb_populate_record(NULL::contacts, $2::jsonb) r)
        WHERE c.id = $1`,
      [id, JSON.stringify(snapshot)],
    );
  }

  /** Every single-column foreign key to contacts(id), with its table's primary key and the unique indexes that include it. */
  private async references(manager: EntityManager): Promise<Reference[]> {
    const rows = await sqlRows(
      manager,
      referenceRow,
      `SELECT t.relname AS table_name, a.attname AS column_name,
              (SELECT json_agg(json_build_object('name', pa.attname, 'type', format_type(pa.atttypid, pa.atttypmod)) ORDER BY k.ord)
                 FROM pg_index pi CROSS JOIN LATERAL unnest(pi.indkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute pa ON pa.attrelid = pi.indrelid AND pa.attnum = k.attnum
                WHERE pi.indrelid = t.oid AND pi.indisprimary) AS pk,
              coalesce((SELECT json_agg(json_build_object(
                         'columns', (SELECT json_agg(ua.attname) FROM unnest(ui.indkey) AS uk(attnum)
                                       JOIN pg_attribute ua ON ua.attrelid = ui.indrelid AND ua.attnum = uk.attnum
                                      WHERE ua.attnum <> a.attnum),
                         'predicate', pg_get_expr(ui.indpred, ui.indrelid)))
                 FROM pg_index ui WHERE ui.indrelid = t.oid AND ui.indisunique AND a.attnum = ANY(ui.indkey)), '[]') AS uniques
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'contacts'::regclass AND array_length(c.conkey, 1) = 1
        ORDER BY t.relname, a.attname`,
    );
    return rows.filter((r) => !NOT_MOVED.has(r.table_name));
  }

  /**
   * Moves the rows of one reference, except those the kept contact already
   * has a twin of under a unique index (a tag both carry, a coupon of the
   * same campaign): those stay with the merged contact, so nothing is lost
   * and undo needs no re-creation.
   */
  private async moveRows(manager: EntityManager, reference: Reference, fromId: string, toId: string): Promise<Record<string, unknown>[]> {
    if (!reference.pk) throw new Error(`${reference.table_name} has no primary key; its rows cannot be moved and put back`);
    const table = quote(reference.table_name);
    const column = quote(reference.column_name);
    const clashes = reference.uniques.map((unique) => {
      const same = (unique.columns ?? []).map((c) => `twin.${quote(c)} = moving.${quote(c)}`);
      return `NOT EXISTS (SELECT 1 FROM ${table} twin WHERE twin.${column} = $2 ${same.map((s) => `AND ${s}`).join(' ')}
                          ${unique.predicate ? `AND (${unique.predicate})` : ''})`;
    });
    const pk = reference.pk.map((c) => `'${c.name.replace(/'/g, "''")}', moving.${quote(c.name)}`).join(', ');
    const rows = await sqlRows(
      manager,
      z.object({ key: z.record(z.string(), z.unknown()) }),
      `UPDATE ${table} moving SET ${column} = $2 WHERE moving.${column} = $1 ${clashes.map((c) => `AND ${c}`).join(' ')}
       RETURNING jsonb_build_object(${pk}) AS key`,
      [fromId, toId],
    );
    return rows.map((r) => r.key);
  }

  /**
   * Where both contacts have a conversation on the same WhatsApp number (one
   * per contact and number), the merged one's messages and notes join the
   * kept one's conversation and its own is resolved; undo moves them back.
   */
  private async moveClashingConversations(manager: EntityManager, keptId: string, mergedId: string): Promise<MovedRows['conversations']> {
    const pairs = await sqlRows(
      manager,
      z.object({ from: z.string(), to: z.string(), status: z.string() }),
      `SELECT m.id AS from, k.id AS to, m.status FROM conversations m
         JOIN conversations k ON k.contact_id = $1 AND k.whatsapp_number_id = m.whatsapp_number_id
        WHERE m.contact_id = $2 FOR UPDATE OF m, k`,
      [keptId, mergedId],
    );
    const moved: MovedRows['conversations'] = [];
    for (const pair of pairs) {
      const messages = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        'UPDATE messages SET conversation_id = $2 WHERE conversation_id = $1 RETURNING id',
        [pair.from, pair.to],
      );
      const notes = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        'UPDATE conversation_notes SET conversation_id = $2 WHERE conversation_id = $1 RETURNING id',
        [pair.from, pair.to],
      );
      await manager.query(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [pair.from]);
      moved.push({ ...pair, messages: messages.map((m) => m.id), notes: notes.map((n) => n.id) });
    }
    return moved;
  }
}
