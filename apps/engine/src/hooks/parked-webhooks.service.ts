import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';

const parkedRow = z.object({
  id: z.string(),
  received_at: z.date(),
  attempts: z.number(),
  last_error: z.string().nullable(),
});

export interface ParkedWebhookView {
  id: string;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
}

/**
 * WhatsApp webhook deliveries given up after their retries ("parked"), and
 * their replay. Deliveries are stored before Meta gets its 200, without a
 * workspace; when one is parked, the workspaces it speaks for (whose numbers
 * or business accounts its entries name) are stored with it
 * (`workspace_ids`, by `parley_webhook_workspaces`), and each workspace sees
 * only those. A replay puts the stored delivery back on the normal
 * ingest path (pending, fresh attempts, dispatched), where messages are unique
 * by wamid and events by source id, so nothing is applied twice.
 */
@Injectable()
export class ParkedWebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly audit: AuditService,
  ) {}

  async list(workspaceId: string, limit = 20): Promise<ParkedWebhookView[]> {
    const rows = await sqlRows(
      this.dataSource,
      parkedRow,
      `SELECT id::text, received_at, attempts, last_error FROM webhook_deliveries
        WHERE status = 'parked' AND workspace_ids @> ARRAY[$1::uuid] ORDER BY id DESC LIMIT $2`,
      [workspaceId, limit],
    );
    return rows.map((r) => ({ id: r.id, receivedAt: r.received_at.toISOString(), attempts: r.attempts, lastError: r.last_error }));
  }

  /**
   * Replays parked delivery `id` of the workspace. Idempotent: a delivery
   * already replayed (no longer parked) answers `replayed: false` and nothing
   * happens again; the replay itself is audited once.
   */
  async replay(principal: Principal, id: string): Promise<{ id: string; replayed: boolean; status: string }> {
    // Replayed, it leaves `parked` but keeps whose it was: a second replay answers what became of it.
    const delivery = await sqlRow(
      this.dataSource,
      z.object({ status: z.string() }),
      'SELECT status FROM webhook_deliveries WHERE id = $1 AND workspace_ids @> ARRAY[$2::uuid]',
      [id, principal.workspaceId],
    );
    if (!delivery) {
      throw new NotFoundException('No such webhook delivery in this workspace.');
    }
    const replayed = await this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ received_at: z.date(), attempts: z.number() }),
        `WITH old AS (SELECT id, attempts FROM webhook_deliveries WHERE id = $1 AND status = 'parked' FOR UPDATE)
         UPDATE webhook_deliveries d SET status = 'pending', processed_at = NULL, attempts = 0
           FROM old WHERE d.id = old.id RETURNING d.received_at, old.attempts`,
        [id],
      );
      if (!row) return false;
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'webhook.replayed',
          subjectType: 'webhook_delivery',
          subjectId: id,
          // The delivery's error can quote the payload (customers' numbers and words): the trail keeps only its facts.
          details: { receivedAt: row.received_at.toISOString(), attemptsBefore: row.attempts },
        },
        manager,
      );
      return true;
    });
    if (!replayed) return { id, replayed: false, status: delivery.status };
    // The sweeper picks up any pending delivery too, so a dispatch lost here only delays it.
    await this.dispatcher.dispatch([{ kind: 'webhook', id }]);
    return { id, replayed: true, status: 'pending' };
  }
}
