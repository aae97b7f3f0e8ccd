import { Injectable } from '@nestjs/common';
import type { MessageChange } from '@parley/whatsapp';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { ConversationLedgerService } from '../conversations/conversation-ledger.service';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { applyContentChange, type ContentOutcome } from './message-content';

const messageRow = z.object({
  id: z.string(),
  contact_id: z.string(),
  text: z.string().nullable(),
  edited_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});
const changeRow = z.object({
  id: z.string(),
  contact_id: z.string(),
  kind: z.enum(['edit', 'revoke']),
  text: z.string().nullable(),
  occurred_at: z.date(),
});

type StoredMessage = z.infer<typeof messageRow>;

/**
 * Edits and revocations of customers' messages (`message_changes`), kept
 * against the message they change: applied at once when it is stored, or
 * kept until it arrives and applied then, so the order of delivery never
 * matters. Each change is stored once (by its own wamid); `messages.text` is
 * the current text, null once revoked (the words stay in the revoke's row, for
 * the audit only). Works in the caller's transaction.
 */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly clock: Clock,
    private readonly ledger: ConversationLedgerService,
  ) {}

  /**
   * Stores a change from `contactId` and applies it when its message is here.
   * Returns what became of it, for the delivery's notes; null for a redelivery.
   */
  async record(manager: EntityManager, workspaceId: string, contactId: string, change: MessageChange): Promise<string | null> {
    const stored = await sqlRow(
      manager,
      z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      `INSERT INTO message_changes (workspace_id, contact_id, wamid, original_wamid, kind, text, content_type, payload, occurred_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (wamid) DO NOTHING RETURNING id`,
      [
        workspaceId,
        contactId,
        change.wamid,
        change.originalWamid,
        change.kind,
        change.kind === 'edit' ? change.text : null,
        change.contentType,
        JSON.stringify(change.raw),
        change.timestamp,
        this.clock.now(),
      ],
    );
    if (!stored) return null;
    const message = await sqlRow(
      manager,
      messageRow,
      `SELECT id, contact_id, text, edited_at, revoked_at FROM messages
        WHERE wamid = $1 AND workspace_id = $2 AND direction = 'inbound' FOR UPDATE`,
      [change.originalWamid, workspaceId],
    );
    if (!message) return `${change.kind} of ${change.originalWamid} kept until that message arrives`;
    if (message.contact_id !== contactId) {
      return `${change.kind} of ${change.originalWamid} comes from another customer than the message's; kept, not applied`;
    }
    const outcome = await this.applyTo(manager, message, {
      id: stored.id,
      contact_id: contactId,
      kind: change.kind,
      text: change.text,
      occurred_at: change.timestamp,
    });
    return `${change.kind} of ${change.originalWamid}: ${outcome.outcome.replaceAll('_', ' ')}`;
  }

  /**
   * Applies the changes that arrived before their message, oldest first, to
   * the message just stored. Returns its content afterwards.
   */
  async applyPending(
    manager: EntityManager,
    workspaceId: string,
    message: { id: string; wamid: string; contactId: string; text: string | null },
    notes: string[],
  ): Promise<{ text: string | null; revoked: boolean }> {
    const pending = await sqlRows(
      manager,
      changeRow,
      `SELECT id::text AS id, contact_id, kind, text, occurred_at FROM message_changes
        WHERE workspace_id = $1 AND original_wamid = $2 AND message_id IS NULL
        ORDER BY occurred_at, id FOR UPDATE`,
      [workspaceId, message.wamid],
    );
    let current: StoredMessage = { id: message.id, contact_id: message.contactId, text: message.text, edited_at: null, revoked_at: null };
    for (const change of pending) {
      if (change.contact_id !== message.contactId) {
        notes.push(`${change.kind} of ${message.wamid} came from another customer than the message's; kept, not applied`);
        continue;
      }
      const outcome = await this.applyTo(manager, current, change);
      current = {
        ...current,
        text: outcome.content.text,
        edited_at: outcome.content.editedAt,
        revoked_at: outcome.content.revokedAt,
      };
      notes.push(`${change.kind} of ${message.wamid} (arrived first): ${outcome.outcome.replaceAll('_', ' ')}`);
    }
    return { text: current.text, revoked: current.revoked_at !== null };
  }

  private async applyTo(manager: EntityManager, message: StoredMessage, change: z.infer<typeof changeRow>): Promise<ContentOutcome> {
    const outcome = applyContentChange(
      { text: message.text, editedAt: message.edited_at, revokedAt: message.revoked_at },
      { kind: change.kind, text: change.text, at: change.occurred_at },
    );
    if (outcome.outcome === 'applied') {
      await manager.query('UPDATE messages SET text = $2, edited_at = $3, revoked_at = $4 WHERE id = $1', [
        message.id,
        outcome.content.text,
        outcome.content.editedAt,
        outcome.content.revokedAt,
      ]);
      await this.ledger.messageUpdated(manager, message.id);
    }
    await manager.query(
      `UPDATE message_changes SET message_id = $2, applied_at = $3, text = CASE WHEN kind = 'revoke' THEN $4 ELSE text END WHERE id = $1`,
      [change.id, message.id, this.clock.now(), outcome.revokedText],
    );
    return outcome;
  }
}
