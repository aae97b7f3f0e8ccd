import { Injectable, Logger } from '@nestjs/common';
import { parseWebhookItems, type WebhookItem, webhookEnvelopeSchema } from '@parley/whatsapp';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import type { WorkItem } from '../dispatch/work-item';

/** After this many failed attempts a delivery is parked with its error instead of retried forever. */
const MAX_ATTEMPTS = 5;

const idRow = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const numberRow = z.object({ id: z.string(), workspace_id: z.string() });
const deliveryRow = z.object({ id: z.string(), body: z.instanceof(Buffer), attempts: z.number() });

/** SQL ranking a status so updates only move forward: sent < delivered < read < played; failed is final. */
function statusRank(expression: string): string {
  return `(CASE ${expression} WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 4 WHEN 'failed' THEN 5 ELSE 0 END)`;
}

function firstName(profileName: string | null): string | null {
  const first = profileName?.trim().split(/\s+/)[0];
  return first && first.length > 0 ? first : null;
}

/**
 * Turns a stored webhook delivery into contacts, messages and events, in one
 * transaction. Messages are unique by wamid and events by source id, so a
 * redelivered webhook changes nothing and starts nothing.
 */
@Injectable()
export class WebhookProcessorService {
  private readonly logger = new Logger('WebhookProcessor');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Processes delivery `id`; returns the work it creates (contacts with new events). */
  async process(id: string): Promise<WorkItem[]> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const delivery = await sqlRow(
          manager,
          deliveryRow,
          `SELECT id::text AS id, body, attempts FROM webhook_deliveries
            WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
          [id],
        );
        if (!delivery) return [];
        const envelope = webhookEnvelopeSchema.parse(JSON.parse(delivery.body.toString('utf8')));
        const notes: string[] = [];
        const contacts = new Set<string>();
        for (const item of parseWebhookItems(envelope)) {
          const contactId = await this.apply(manager, item, notes);
          if (contactId) contacts.add(contactId);
        }
        await manager.query(
          `UPDATE webhook_deliveries SET processed_at = $2, attempts = attempts + 1, notes = $3 WHERE id = $1`,
          [id, this.clock.now(), JSON.stringify(notes)],
        );
        return [...contacts].map((contactId): WorkItem => ({ kind: 'contact', id: contactId }));
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const row = await sqlRow(
        this.dataSource,
        z.object({ attempts: z.number() }),
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2,
           processed_at = CASE WHEN attempts + 1 >= $3 THEN $4::timestamptz ELSE NULL END
         WHERE id = $1 AND processed_at IS NULL RETURNING attempts`,
        [id, message.slice(0, 2000), MAX_ATTEMPTS, this.clock.now()],
      );
      if (row && row.attempts >= MAX_ATTEMPTS) {
        this.logger.error(`Webhook delivery ${id} parked after ${row.attempts} attempts: ${message}`);
        return [];
      }
      throw error;
    }
  }

  /** Applies one item; returns the contact that has a new event to process, if any. */
  private async apply(manager: EntityManager, item: WebhookItem, notes: string[]): Promise<string | null> {
    if (item.kind === 'skipped') {
      notes.push(`${item.field}: ${item.reason}`);
      return null;
    }
    const number = await sqlRow(manager, numberRow, 'SELECT id, workspace_id FROM whatsapp_numbers WHERE phone_number_id = $1', [
      item.phoneNumberId,
    ]);
    if (!number) {
      notes.push(`${item.kind}: phone_number_id ${item.phoneNumberId} is not registered`);
      return null;
    }
    if (item.kind === 'status') {
      await manager.query(
        `UPDATE messages SET status = $2, status_at = $3
          WHERE wamid = $1 AND workspace_id = $4 AND direction = 'outbound'
            AND ${statusRank('$2')} > ${statusRank("coalesce(status, '')")}`,
        [item.status.wamid, item.status.status, item.status.timestamp, number.workspace_id],
      );
      return null;
    }

    const { sender, message } = item;
    const waId = sender.waId;
    const conflictTarget = waId !== null ? '(workspace_id, wa_id) WHERE wa_id IS NOT NULL' : '(workspace_id, bsuid) WHERE bsuid IS NOT NULL';
    const contact = await sqlRow(
      manager,
      idRow,
      `INSERT INTO contacts (workspace_id, wa_id, bsuid, phone_e164, display_name, first_name, whatsapp_number_id, last_inbound_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ${conflictTarget} DO UPDATE SET
         bsuid = COALESCE(contacts.bsuid, EXCLUDED.bsuid),
         display_name = COALESCE(EXCLUDED.display_name, contacts.display_name),
         first_name = COALESCE(contacts.first_name, EXCLUDED.first_name),
         whatsapp_number_id = EXCLUDED.whatsapp_number_id,
         last_inbound_at = GREATEST(contacts.last_inbound_at, EXCLUDED.last_inbound_at),
         updated_at = now()
       RETURNING id`,
      [
        number.workspace_id,
        waId,
        sender.userId,
        waId !== null && /^\d{6,15}$/.test(waId) ? `+${waId}` : null,
        sender.profileName,
        firstName(sender.profileName),
        number.id,
        message.timestamp,
      ],
    );
    if (!contact) throw new Error('contact upsert returned no row');

    const inserted = await sqlRow(
      manager,
      idRow,
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8)
       ON CONFLICT (wamid) DO NOTHING RETURNING id`,
      [number.workspace_id, contact.id, number.id, message.wamid, message.type, message.text, JSON.stringify(message.raw), message.timestamp],
    );
    if (!inserted) return null;

    const event = await sqlRow(
      manager,
      idRow,
      `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
       VALUES ($1, $2, 'message.received', 'whatsapp', $3, $4, $5, $6)
       ON CONFLICT (workspace_id, source, source_id) DO NOTHING RETURNING id`,
      [
        number.workspace_id,
        contact.id,
        message.wamid,
        message.timestamp,
        this.clock.now(),
        JSON.stringify({ wamid: message.wamid, phoneNumberId: item.phoneNumberId, messageType: message.type, text: message.text }),
      ],
    );
    return event ? contact.id : null;
  }
}
