import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { sqlRows } from '../../database/sql-rows';
import type { ActivityBatch, ChatLine } from '../connectors/crm-connector';
import { CrmOutboxService } from './crm-outbox.service';

/** The issue asks for at least 180 days of history in the CRM. */
const HISTORY_DAYS = 180;
/** Messages looked at per collection; the rest wait for the next round. */
const COLLECT_LIMIT = 5000;

export const chatBatchPayload = z.object({ conversationId: z.string().nullable(), messageIds: z.array(z.string()).min(1) });
export type ChatBatchPayload = z.infer<typeof chatBatchPayload>;

/** The key a batch carries into the CRM (a marker in the activity), unique per connection and batch. */
export function chatBatchKey(connectionId: string, outboxId: string): string {
  return `${connectionId.slice(0, 8)}-${outboxId}`;
}

const groupRow = z.object({ contact_id: z.string(), conversation_id: z.string().nullable(), ids: z.array(z.string()) });
const lineRow = z.object({ occurred_at: z.date(), direction: z.enum(['inbound', 'outbound']), text: z.string() });

/**
 * Chat history to the CRM. Owns crm_logged_messages: each message is put in
 * one batch per connection when the batch is queued (in the same
 * transaction as the outbox row), so collecting again, or retrying the
 * batch, never logs a message twice. A conversation is collected once it
 * has been quiet CRM_CHAT_QUIET_MS, so one batch holds the exchange.
 */
@Injectable()
export class CrmChatHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: CrmOutboxService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** Queues one batch per quiet conversation with messages not yet logged; returns the number of batches. */
  async collect(connection: { id: string; workspace_id: string }): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const groups = await sqlRows(
        manager,
        groupRow,
        `WITH fresh AS (
           SELECT m.id, m.contact_id, m.conversation_id, m.occurred_at, m.created_at FROM messages m
            WHERE m.workspace_id = $1 AND m.occurred_at >= clock_timestamp() - make_interval(days => $5)
              AND NOT EXISTS (SELECT 1 FROM crm_logged_messages l WHERE l.connection_id = $2 AND l.message_id = m.id)
            ORDER BY m.occurred_at, m.created_at, m.id LIMIT $4)
         SELECT contact_id, conversation_id::text AS conversation_id, array_agg(id::text ORDER BY occurred_at, created_at, id) AS ids FROM fresh
          GROUP BY contact_id, conversation_id
         HAVING max(occurred_at) <= clock_timestamp() - make_interval(secs => $3::double precision / 1000)
          ORDER BY min(occurred_at)`,
        [connection.workspace_id, connection.id, this.config.CRM_CHAT_QUIET_MS, COLLECT_LIMIT, HISTORY_DAYS],
      );
      for (const group of groups) {
        const outboxId = await this.outbox.enqueueChatBatch(manager, connection.id, group.contact_id, {
          conversationId: group.conversation_id,
          messageIds: group.ids,
        });
        // The primary key makes a second claim of a message fail the whole collection rather than log it twice.
        await manager.query(`INSERT INTO crm_logged_messages (connection_id, message_id, outbox_id) SELECT $1, unnest($2::uuid[]), $3`, [
          connection.id,
          group.ids,
          outboxId,
        ]);
      }
      return groups.length;
    });
  }

  /**
   * The batch as the connector logs it: the messages still there, oldest
   * first. WhatsApp's times have whole seconds, so messages of one second
   * keep the order they were stored in.
   */
  async batch(connectionId: string, outboxId: string, payload: ChatBatchPayload): Promise<ActivityBatch> {
    const rows = await sqlRows(
      this.dataSource,
      lineRow,
      `SELECT occurred_at, direction, coalesce(nullif(text, ''), '[' || type || ']') AS text FROM messages
        WHERE id = ANY($1::uuid[]) ORDER BY occurred_at, created_at, id`,
      [payload.messageIds],
    );
    const lines: ChatLine[] = rows.map((row) => ({
      at: row.occurred_at.toISOString(),
      direction: row.direction === 'inbound' ? 'in' : 'out',
      text: row.text,
    }));
    const first = lines[0]?.at.slice(0, 10) ?? '';
    return { key: chatBatchKey(connectionId, outboxId), conversationTitle: `WhatsApp ${first}`.trim(), lines };
  }

  /** Records the CRM's activity id on the batch's messages (in the transaction that finishes the outbox item). */
  async markLogged(manager: EntityManager, connectionId: string, outboxId: string, remoteActivityId: string): Promise<void> {
    await manager.query(
      `UPDATE crm_logged_messages SET remote_activity_id = $3, logged_at = clock_timestamp() WHERE connection_id = $1 AND outbox_id = $2`,
      [connectionId, outboxId, remoteActivityId],
    );
  }
}
