import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { StreamPublisher } from '../stream/stream-publisher.service';

/** Read markers, one per agent and conversation: unread counts are the customer's messages after them. */
@Injectable()
export class ConversationReadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stream: StreamPublisher,
    private readonly clock: Clock,
  ) {}

  /** Marks everything the customer wrote so far as read by the caller; null when there is no such conversation. */
  async markRead(principal: Principal, conversationId: string): Promise<{ inboundSeen: number } | null> {
    return this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ inbound_seen: z.number() }),
        `INSERT INTO conversation_reads (conversation_id, user_id, inbound_seen, read_at)
         SELECT c.id, $3, c.inbound_count, $4 FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET inbound_seen = greatest(conversation_reads.inbound_seen, EXCLUDED.inbound_seen), read_at = EXCLUDED.read_at
         RETURNING inbound_seen`,
        [conversationId, principal.workspaceId, principal.userId, this.clock.now()],
      );
      if (!row) return null;
      // Only this user's other tabs care: their badges go to zero together.
      await this.stream.publish(manager, {
        workspaceId: principal.workspaceId,
        userId: principal.userId,
        type: 'conversation.read',
        payload: { conversationId, inboundSeen: row.inbound_seen },
      });
      return { inboundSeen: row.inbound_seen };
    });
  }
}
