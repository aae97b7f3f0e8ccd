import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';

/** How many of the newest parked deliveries are looked through for a workspace's own. */
const SCAN_LIMIT = 500;

/** The ids a WhatsApp delivery speaks for: its business accounts and phone numbers. Anything else in the body is ignored. */
const envelopeIds = z.object({
  entry: z
    .array(
      z.object({
        id: z.string().optional(),
        changes: z
          .array(z.object({ value: z.object({ metadata: z.object({ phone_number_id: z.string() }).optional() }).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

const parkedRow = z.object({
  id: z.string(),
  received_at: z.date(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  body: z.instanceof(Buffer),
});
const numberRow = z.object({ phone_number_id: z.string(), waba_id: z.string() });

export interface ParkedWebhookView {
  id: string;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
}

function idsOf(body: Buffer): { wabaIds: string[]; phoneNumberIds: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { wabaIds: [], phoneNumberIds: [] };
  }
  const parsed = envelopeIds.safeParse(json);
  const entries = parsed.success ? (parsed.data.entry ?? []) : [];
  return {
    wabaIds: entries.flatMap((e) => (e.id ? [e.id] : [])),
    phoneNumberIds: entries.flatMap((e) => (e.changes ?? []).flatMap((c) => (c.value?.metadata ? [c.value.metadata.phone_number_id] : []))),
  };
}

/**
 * WhatsApp webhook deliveries given up after their retries ("parked"), and
 * their replay. Deliveries are stored before Meta gets its 200, without a
 * workspace: one belongs to a workspace when it speaks for one of its numbers
 * or business accounts. A replay puts the stored delivery back on the normal
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
    return (await this.ownParked(workspaceId)).slice(0, limit).map((r) => ({
      id: r.id,
      receivedAt: r.received_at.toISOString(),
      attempts: r.attempts,
      lastError: r.last_error,
    }));
  }

  /**
   * Replays parked delivery `id` of the workspace. Idempotent: a delivery
   * already replayed (no longer parked) answers `replayed: false` and nothing
   * happens again; the replay itself is audited once.
   */
  async replay(principal: Principal, id: string): Promise<{ id: string; replayed: boolean; status: string }> {
    const delivery = await sqlRow(
      this.dataSource,
      z.object({ status: z.string(), body: z.instanceof(Buffer) }),
      'SELECT status, body FROM webhook_deliveries WHERE id = $1',
      [id],
    );
    if (!delivery || !(await this.belongsTo(principal.workspaceId, delivery.body))) {
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

  private async numbersOf(workspaceId: string): Promise<{ wabaIds: Set<string>; phoneNumberIds: Set<string> }> {
    const rows = await sqlRows(
      this.dataSource,
      numberRow,
      'SELECT phone_number_id, waba_id FROM whatsapp_numbers WHERE workspace_id = $1',
      [workspaceId],
    );
    return {
      wabaIds: new Set(rows.map((r) => r.waba_id).filter((w) => w !== '')),
      phoneNumberIds: new Set(rows.map((r) => r.phone_number_id)),
    };
  }

  private async belongsTo(workspaceId: string, body: Buffer): Promise<boolean> {
    const own = await this.numbersOf(workspaceId);
    const ids = idsOf(body);
    return ids.phoneNumberIds.some((p) => own.phoneNumberIds.has(p)) || ids.wabaIds.some((w) => own.wabaIds.has(w));
  }

  private async ownParked(workspaceId: string) {
    const own = await this.numbersOf(workspaceId);
    const rows = await sqlRows(
      this.dataSource,
      parkedRow,
      `SELECT id::text, received_at, attempts, last_error, body FROM webhook_deliveries WHERE status = 'parked' ORDER BY id DESC LIMIT ${SCAN_LIMIT}`,
    );
    return rows.filter((r) => {
      const ids = idsOf(r.body);
      return ids.phoneNumberIds.some((p) => own.phoneNumberIds.has(p)) || ids.wabaIds.some((w) => own.wabaIds.has(w));
    });
  }
}
