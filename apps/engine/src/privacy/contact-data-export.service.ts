import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow, sqlRows } from '../database/sql-rows';

const jsonRow = z.object({ row: z.record(z.string(), z.unknown()) });
const tableRow = z.object({ table_name: z.string() });

/** Tables that hold a contact's data without a contact_id column of their own, reached through one that has it. */
const THROUGH: Record<string, { parent: string; column: string }> = {
  execution_steps: { parent: 'executions', column: 'execution_id' },
  side_effects: { parent: 'executions', column: 'execution_id' },
  conversation_notes: { parent: 'conversations', column: 'conversation_id' },
  conversation_reads: { parent: 'conversations', column: 'conversation_id' },
  media_files: { parent: 'messages', column: 'message_id' },
};

export interface ContactExport {
  exportedAt: string;
  contact: Record<string, unknown>;
  /** Every row about the contact, by table (table names as in docs/ARCHITECTURE.md). */
  data: Record<string, Record<string, unknown>[]>;
}

/**
 * A contact's data for a GDPR access request: the contact row and every row
 * of every table with a `contact_id` (found in the schema, so a table added
 * later is exported without a change here), plus the tables that hang off
 * those (steps of its executions, notes of its conversations, its media).
 */
@Injectable()
export class ContactDataExportService {
  constructor(private readonly dataSource: DataSource) {}

  /** Null when the contact is not in the workspace. */
  async export(workspaceId: string, contactId: string, now: Date): Promise<ContactExport | null> {
    const contact = await sqlRow(
      this.dataSource,
      jsonRow,
      'SELECT to_jsonb(c) AS row FROM contacts c WHERE id = $1 AND workspace_id = $2',
      [contactId, workspaceId],
    );
    if (!contact) return null;
    const tables = await sqlRows(
      this.dataSource,
      tableRow,
      `SELECT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.column_name = 'contact_id' ORDER BY c.table_name`,
    );
    const data: Record<string, Record<string, unknown>[]> = {};
    // Table names come from the schema, never from the request.
    for (const { table_name: table } of tables) {
      data[table] = (
        await sqlRows(
          this.dataSource,
          jsonRow,
          // Some tables (e.g. the contacts workspace's link tables) have no workspace_id; the contact id was checked against the workspace above.
          `SELECT to_jsonb(t) AS row FROM public."${table}" t WHERE contact_id = $1`,
          [contactId],
        )
      ).map((r) => r.row);
    }
    for (const [table, { parent, column }] of Object.entries(THROUGH)) {
      const exists = await sqlRow(this.dataSource, z.object({ found: z.boolean() }), 'SELECT to_regclass($1) IS NOT NULL AS found', [
        `public.${table}`,
      ]);
      if (!exists?.found) continue;
      data[table] = (
        await sqlRows(
          this.dataSource,
          jsonRow,
          `SELECT to_jsonb(t) AS row FROM public."${table}" t WHERE t."${column}" IN (SELECT id FROM public."${parent}" WHERE contact_id = $1 AND workspace_id = $2)`,
          [contactId, workspaceId],
        )
      ).map((r) => r.row);
    }
    return { exportedAt: now.toISOString(), contact: contact.row, data };
  }
}
