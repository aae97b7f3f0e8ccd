import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { StreamPublisher } from '../stream/stream-publisher.service';
import { ConversationLedgerService } from './conversation-ledger.service';

/**
 * A flow's "hand over to a human" step: the contact's conversation leaves the
 * bot (pending → open, waiting for a person) and every support agent and
 * admin is notified, in one transaction.
 */
@Injectable()
export class ConversationHandoverService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: ConversationLedgerService,
    private readonly stream: StreamPublisher,
    private readonly clock: Clock,
  ) {}

  async handOver(input: {
    workspaceId: string;
    contactId: string;
    flowId: string;
    note: string;
    testMode: boolean;
  }): Promise<{ conversationId: string | null; opened: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const conversationId = await this.ledger.conversationOfContact(manager, input.workspaceId, input.contactId);
      const flow = await sqlRow(manager, z.object({ name: z.string() }), 'SELECT name FROM flows WHERE id = $1', [input.flowId]);
      const flowName = flow?.name ?? 'A flow';
      let opened = false;
      if (conversationId) {
        const changes = await this.ledger.act(
          manager,
          input.workspaceId,
          conversationId,
          { kind: 'hand_over', at: this.clock.now() },
          { userId: null, label: flowName },
          `${flowName} handed it over to a person${input.note ? `: ${input.note}` : ''}`,
        );
        opened = changes.includes('status');
      }
      const contact = await sqlRow(
        manager,
        z.object({ name: z.string().nullable() }),
        'SELECT coalesce(display_name, phone_e164) AS name FROM contacts WHERE id = $1',
        [input.contactId],
      );
      const recipients = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        `SELECT id FROM users WHERE workspace_id = $1 AND role IN ('support', 'admin') AND disabled_at IS NULL`,
        [input.workspaceId],
      );
      const title = `${input.testMode ? '[Test run] ' : ''}${contact?.name ?? 'A customer'} needs a person`;
      for (const { id } of recipients) {
        const row = await sqlRow(
          manager,
          z.object({ id: z.string() }),
          `INSERT INTO notifications (workspace_id, user_id, kind, title, body, subject_type, subject_id)
           VALUES ($1, $2, 'conversation_handover', $3, $4, 'conversation', $5) RETURNING id`,
          [
            input.workspaceId,
            id,
            title.slice(0, 500),
            (input.note || `${flowName} handed the conversation over.`).slice(0, 4000),
            conversationId,
          ],
        );
        await this.stream.publish(manager, {
          workspaceId: input.workspaceId,
          userId: id,
          type: 'notification.created',
          payload: { id: row?.id, kind: 'conversation_handover', title, conversationId },
        });
      }
      return { conversationId, opened };
    });
  }
}
