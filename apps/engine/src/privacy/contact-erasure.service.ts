import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { ExecutionStore } from '../executions/execution-store.service';
import { MediaStorage } from '../conversations/media/media-storage';

const contactRow = z.object({ wa_id: z.string().nullable(), bsuid: z.string().nullable(), erased_at: z.date().nullable() });
const idRow = z.object({ id: z.string() });
const keyRow = z.object({ storage_key: z.string().nullable(), thumbnail_key: z.string().nullable() });
const countRow = z.object({ n: z.coerce.number() });

export interface ErasureResult {
  erasedAt: Date;
  alreadyErased: boolean;
  /** Rows changed per table (their count and timestamps stay: reports keep adding up). */
  changed: Record<string, number>;
}

/**
 * The right to be forgotten: removes a contact's personal data from the
 * contact, its messages, message edits, events, executions and their steps,
 * sends, conversations and notes, identity history, and the raw webhook
 * deliveries that quoted it, and deletes its media files, in one transaction,
 * audited. Rows are kept, emptied, so every count (messages per day, runs per
 * flow, sends per outcome) still adds up; active runs are cancelled. The
 * contact row stays as an anonymous shell (`erased_at`), so a customer who
 * writes again becomes a new contact.
 */
@Injectable()
export class ContactErasureService {
  private readonly logger = new Logger('ContactErasure');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly media: MediaStorage,
    private readonly clock: Clock,
    private readonly store: ExecutionStore,
  ) {}

  /** Null when the contact is not in the workspace. */
  async erase(workspaceId: string, contactId: string, actorUserId: string): Promise<ErasureResult | null> {
    const now = this.clock.now();
    const mediaKeys: string[] = [];
    const result = await this.dataSource.transaction(async (manager): Promise<ErasureResult | null> => {
      const contact = await sqlRow(
        manager,
        contactRow,
        'SELECT wa_id, bsuid, erased_at FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [contactId, workspaceId],
      );
      if (!contact) return null;
      if (contact.erased_at) return { erasedAt: contact.erased_at, alreadyErased: true, changed: {} };
      const changed: Record<string, number> = {};
      const run = async (table: string, sql: string, parameters: unknown[]): Promise<void> => {
        const rows = await sqlRows(manager, idRow, `${sql} RETURNING 1::text AS id`, parameters);
        changed[table] = (changed[table] ?? 0) + rows.length;
      };

      for (const active of await sqlRows(
        manager,
        idRow,
        `SELECT id FROM executions WHERE contact_id = $1 AND status IN ('running', 'waiting', 'held')`,
        [contactId],
      )) {
        await this.store.end(manager, active.id, 'cancelled', 'contact_erased', this.clock.now());
      }
      const executions = `SELECT id FROM executions WHERE contact_id = $1`;
      for (const key of await sqlRows(
        manager,
        keyRow,
        `SELECT storage_key, thumbnail_key FROM media_files WHERE message_id IN (SELECT id FROM messages WHERE contact_id = $1)`,
        [contactId],
      )) {
        for (const k of [key.storage_key, key.thumbnail_key]) if (k) mediaKeys.push(k);
      }
      await run(
        'media_files',
        `UPDATE media_files SET filename = NULL, storage_key = NULL, thumbnail_key = NULL, error = NULL
        WHERE message_id IN (SELECT id FROM messages WHERE contact_id = $1)`,
        [contactId],
      );
      await run('messages', `UPDATE messages SET text = NULL, payload = '{}', error_title = NULL WHERE contact_id = $1`, [contactId]);
      await run('message_changes', `UPDATE message_changes SET text = NULL, payload = '{}' WHERE contact_id = $1`, [contactId]);
      await run('events', `UPDATE events SET payload = '{}' WHERE contact_id = $1`, [contactId]);
      await run('executions', `UPDATE executions SET vars = '{}', error_message = NULL WHERE contact_id = $1`, [contactId]);
      await run(
        'execution_steps',
        `UPDATE execution_steps SET input = '{}', output = '{}', decision = NULL, error_message = NULL WHERE execution_id IN (${executions})`,
        [contactId],
      );
      await run('waits', `UPDATE waits SET event_filter = NULL WHERE contact_id = $1 AND event_filter IS NOT NULL`, [contactId]);
      // Sends: a flow's through its execution, an agent's by the recipient it was addressed to.
      await run(
        'side_effects',
        `UPDATE side_effects SET request = '{}', result = CASE WHEN result ? 'wamid' THEN jsonb_build_object('wamid', result->'wamid') ELSE NULL END
          WHERE execution_id IN (${executions}) OR (execution_id IS NULL AND workspace_id = $2 AND request->>'to' = ANY($3::text[]))`,
        [contactId, workspaceId, [contact.wa_id, contact.bsuid].filter((v): v is string => v !== null)],
      );
      await run('conversations', `UPDATE conversations SET last_message_preview = NULL WHERE contact_id = $1`, [contactId]);
      await run(
        'conversation_notes',
        `UPDATE conversation_notes SET text = '[erased]', details = '{}' WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = $1)`,
        [contactId],
      );
      await run('tasks', `UPDATE tasks SET notes = NULL WHERE contact_id = $1 AND notes IS NOT NULL`, [contactId]);
      await run('orders', `UPDATE orders SET tracking_number = NULL, tracking_url = NULL WHERE contact_id = $1`, [contactId]);
      await run('contact_identity_history', `DELETE FROM contact_identity_history WHERE contact_id = $1`, [contactId]);
      // Meta's raw deliveries that quote the customer's id: processed ones only (a pending one is still to be read).
      const ids = [contact.wa_id, contact.bsuid].filter((v): v is string => v !== null);
      if (ids.length > 0) {
        await run(
          'webhook_deliveries',
          `UPDATE webhook_deliveries SET body = convert_to('{"erased":"contact data removed on request"}', 'UTF8')
            WHERE processed_at IS NOT NULL AND (${ids.map((_, i) => `position(convert_to($${i + 1}, 'UTF8') IN body) > 0`).join(' OR ')})`,
          ids,
        );
      }
      await run(
        'contacts',
        `UPDATE contacts SET wa_id = NULL, bsuid = NULL, phone_e164 = NULL, display_name = NULL, first_name = NULL, last_name = NULL,
                email = NULL, fields = '{}', time_zone = NULL, locale = NULL, erased_at = $2, updated_at = $2
          WHERE id = $1`,
        [contactId, now],
      );
      const messages = await sqlRow(manager, countRow, 'SELECT count(*) AS n FROM messages WHERE contact_id = $1', [contactId]);
      await this.audit.record(
        {
          workspaceId,
          actorUserId,
          action: 'contact.erased',
          subjectType: 'contact',
          subjectId: contactId,
          // Counts only: what was there is gone, by design.
          details: { changed, messagesKept: messages?.n ?? 0 },
        },
        manager,
      );
      return { erasedAt: now, alreadyErased: false, changed };
    });
    // Files go after the commit: a rollback must not leave rows pointing at deleted files.
    for (const key of mediaKeys) {
      await this.media
        .delete(key)
        .catch((error: unknown) =>
          this.logger.warn(`Could not delete an erased contact's media file: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
    return result;
  }
}
