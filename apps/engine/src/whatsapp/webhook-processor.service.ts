import { Injectable, Logger } from '@nestjs/common';
import { type MessageStatusUpdate, parseWebhookItems, type WebhookItem, webhookEnvelopeSchema } from '@parley/whatsapp';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { codeOfError, errorConstraint } from '../common/error-code';
import { sqlRow, sqlRows } from '../database/sql-rows';
import type { WorkItem } from '../dispatch/work-item';
import { ConsentService } from '../contacts/consent.service';
import { EventWriterService } from '../events/event-writer.service';
import { effectiveIntents } from '../workspaces/workspace-settings';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { consentKeyword } from './policy/consent-keyword';
import { WhatsAppTemplatesService } from './whatsapp-templates.service';

/** After this many failed attempts a delivery is parked with its error instead of retried forever. */
const MAX_ATTEMPTS = 5;

const idRow = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const upsertedContactRow = z.object({ id: z.string(), inserted: z.boolean() });
const numberRow = z.object({ id: z.string(), workspace_id: z.string() });
/** The parts of a stored send request a reconciled message needs. */
const sentRequestSchema = z.object({
  to: z.string(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  template: z.object({ name: z.string() }).optional(),
});
const deliveryRow = z.object({
  id: z.string(),
  body: z.instanceof(Buffer),
  attempts: z.number(),
  signed_for: z.array(z.string()).nullable(),
});
const signerRow = z.object({ phone_number_id: z.string(), waba_id: z.string() });

interface Signer {
  wabaIds: Set<string>;
  phoneNumberIds: Set<string>;
}

function signedBy(item: WebhookItem, signer: Signer): boolean {
  if (!signer.wabaIds.has(item.wabaId)) return false;
  const phoneNumberId = 'phoneNumberId' in item ? item.phoneNumberId : null;
  return phoneNumberId === null || signer.phoneNumberIds.has(phoneNumberId);
}

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
    private readonly events: EventWriterService,
    private readonly consent: ConsentService,
    private readonly settings: WorkspaceSettingsService,
    private readonly templates: WhatsAppTemplatesService,
    private readonly clock: Clock,
  ) {}

  /** Processes delivery `id`; returns the work it creates (contacts with new events). */
  async process(id: string): Promise<WorkItem[]> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const delivery = await sqlRow(
          manager,
          deliveryRow,
          `SELECT id::text AS id, body, attempts, signed_for FROM webhook_deliveries
            WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
          [id],
        );
        if (!delivery) return [];
        // PostgreSQL text and jsonb cannot hold NUL characters; a customer's stray one must not stop the delivery.
        const envelope = webhookEnvelopeSchema.parse(
          JSON.parse(delivery.body.toString('utf8'), (_key, value: unknown) =>
            typeof value === 'string' ? value.replaceAll('\u0000', '') : value,
          ),
        );
        const notes: string[] = [];
        const contacts = new Set<string>();
        const signer = delivery.signed_for === null ? null : await this.signer(manager, delivery.signed_for);
        for (const item of parseWebhookItems(envelope)) {
          if (signer && !signedBy(item, signer)) {
            // A number's own app can only speak for its own account and numbers, never for another business's.
            notes.push(`${item.kind}: account ${item.wabaId} is not the one whose app secret signed this delivery; ignored`);
            continue;
          }
          const contactId = await this.apply(manager, item, notes);
          if (contactId) contacts.add(contactId);
        }
        await manager.query(`UPDATE webhook_deliveries SET processed_at = $2, attempts = attempts + 1, notes = $3 WHERE id = $1`, [
          id,
          this.clock.now(),
          JSON.stringify(notes),
        ]);
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
        // The error's message stays in the row (last_error): it can quote the payload, which holds customers' numbers and words.
        this.logger.warn(
          {
            event: 'webhook.parked',
            deliveryId: id,
            attempts: row.attempts,
            errorCode: codeOfError(error),
            constraint: errorConstraint(error),
          },
          'Webhook delivery parked after its retries',
        );
        return [];
      }
      throw error;
    }
  }

  /** The accounts and numbers whose own app secret signed a delivery. */
  private async signer(manager: EntityManager, phoneNumberIds: string[]): Promise<Signer> {
    const rows = await sqlRows(
      manager,
      signerRow,
      'SELECT phone_number_id, waba_id FROM whatsapp_numbers WHERE phone_number_id = ANY($1)',
      [phoneNumberIds],
    );
    return { wabaIds: new Set(rows.map((r) => r.waba_id)), phoneNumberIds: new Set(rows.map((r) => r.phone_number_id)) };
  }

  /** Applies one item; returns the contact that has a new event to process, if any. */
  private async apply(manager: EntityManager, item: WebhookItem, notes: string[]): Promise<string | null> {
    switch (item.kind) {
      case 'skipped':
        notes.push(`${item.field}: ${item.reason}`);
        return null;
      case 'error':
        notes.push(`error ${item.code}: ${item.title}${item.details ? ` (${item.details})` : ''}`);
        return null;
      case 'account_update':
        notes.push(`${item.field}: ${item.event ?? 'update'}`);
        return null;
      case 'template_status': {
        const changed = await this.templates.applyStatus(manager, item);
        notes.push(
          changed.length === 0
            ? `template ${item.name}: ${item.status} (not in the registry; sync the templates)`
            : `template ${item.name}: ${changed.map((c) => `${c.language} ${c.previous} -> ${item.status}`).join(', ')}`,
        );
        return null;
      }
      case 'template_category':
        await manager.query(
          `UPDATE whatsapp_templates SET category = $4, updated_at = $5 WHERE waba_id = $1 AND (meta_id = $2 OR (name = $3 AND ($6::text IS NULL OR language = $6)))`,
          [item.wabaId, item.templateId, item.name, item.newCategory.toUpperCase(), this.clock.now(), item.language],
        );
        notes.push(`template ${item.name}: category ${item.previousCategory ?? '?'} -> ${item.newCategory}`);
        return null;
      case 'number_quality':
        // The messaging limit belongs to the whole account (portfolio); the quality event to one number.
        await manager.query(
          `UPDATE whatsapp_numbers SET messaging_limit = coalesce($2, messaging_limit), limits_updated_at = $3 WHERE waba_id = $1`,
          [item.wabaId, item.currentLimit, this.clock.now()],
        );
        await manager.query(
          `UPDATE whatsapp_numbers SET quality_rating = $3 WHERE waba_id = $1 AND ($2::text IS NULL OR display_phone_number = $2)`,
          [item.wabaId, item.displayPhoneNumber, item.event],
        );
        notes.push(`number quality: ${item.event}${item.currentLimit ? `, limit ${item.currentLimit}` : ''}`);
        return null;
      case 'user_preference':
        return this.applyPreference(manager, item, notes);
      case 'message':
      case 'status':
        break;
    }
    const number = await sqlRow(manager, numberRow, 'SELECT id, workspace_id FROM whatsapp_numbers WHERE phone_number_id = $1', [
      item.phoneNumberId,
    ]);
    if (!number) {
      notes.push(`${item.kind}: phone_number_id ${item.phoneNumberId} is not registered`);
      return null;
    }
    if (item.kind === 'status') return this.applyStatus(manager, number, item.status, notes);

    const { sender, message } = item;
    const waId = sender.waId;
    const conflictTarget =
      waId !== null ? '(workspace_id, wa_id) WHERE wa_id IS NOT NULL' : '(workspace_id, bsuid) WHERE bsuid IS NOT NULL';
    const contact = await sqlRow(
      manager,
      upsertedContactRow,
      `INSERT INTO contacts (workspace_id, wa_id, bsuid, phone_e164, display_name, first_name, whatsapp_number_id, last_inbound_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ${conflictTarget} DO UPDATE SET
         bsuid = COALESCE(contacts.bsuid, EXCLUDED.bsuid),
         display_name = COALESCE(EXCLUDED.display_name, contacts.display_name),
         first_name = COALESCE(contacts.first_name, EXCLUDED.first_name),
         whatsapp_number_id = EXCLUDED.whatsapp_number_id,
         last_inbound_at = GREATEST(contacts.last_inbound_at, EXCLUDED.last_inbound_at),
         updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
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
    if (contact.inserted) {
      await this.events.record(
        {
          workspaceId: number.workspace_id,
          contactId: contact.id,
          type: 'contact.created',
          source: 'contact',
          sourceId: `${contact.id}:created`,
          occurredAt: message.timestamp,
          payload: { source: 'whatsapp' },
        },
        manager,
      );
    }

    const inserted = await sqlRow(
      manager,
      idRow,
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8)
       ON CONFLICT (wamid) DO NOTHING RETURNING id`,
      [
        number.workspace_id,
        contact.id,
        number.id,
        message.wamid,
        message.type,
        message.text,
        JSON.stringify(message.raw),
        message.timestamp,
      ],
    );
    if (!inserted) return null;

    // "STOP" alone opts the customer out of marketing; a resubscribe keyword brings them back.
    const intents = effectiveIntents((await this.settings.get(number.workspace_id)).settings);
    const keyword = consentKeyword(message.text, { stop: intents['stop'] ?? [], start: intents['start'] ?? [] });
    if (keyword) {
      await this.consent.record(
        {
          workspaceId: number.workspace_id,
          contactId: contact.id,
          kind: 'marketing',
          value: keyword.action === 'stop' ? 'opted_out' : 'opted_in',
          source: `keyword:${keyword.keyword}`,
          at: message.timestamp,
        },
        manager,
      );
    }

    const event = await this.events.record(
      {
        workspaceId: number.workspace_id,
        contactId: contact.id,
        type: 'message.received',
        source: 'whatsapp',
        sourceId: message.wamid,
        occurredAt: message.timestamp,
        payload: {
          wamid: message.wamid,
          phoneNumberId: item.phoneNumberId,
          messageType: message.type,
          text: message.text,
          replyId: message.reply?.id ?? null,
          replyKind: message.reply?.kind ?? null,
          location: message.location,
        },
      },
      manager,
    );
    return event ? contact.id : null;
  }

  /**
   * Moves an outbound message's status forward only (sent < delivered < read;
   * failed is final), whatever order the webhooks arrive in, and records each
   * new status once as an event for "message status" triggers.
   */
  private async applyStatus(
    manager: EntityManager,
    number: z.infer<typeof numberRow>,
    status: MessageStatusUpdate,
    notes: string[],
  ): Promise<string | null> {
    const workspaceId = number.workspace_id;
    const findMessage = () =>
      sqlRow(
        manager,
        z.object({ contact_id: z.string(), flow_id: z.string().nullable() }),
        `SELECT m.contact_id, e.flow_id FROM messages m LEFT JOIN executions e ON e.id = m.execution_id
          WHERE m.wamid = $1 AND m.workspace_id = $2 AND m.direction = 'outbound'`,
        [status.wamid, workspaceId],
      );
    let message = await findMessage();
    if (!message && status.callbackData !== null && (await this.reconcileSend(manager, number, status))) {
      notes.push(`status: ${status.status} settled the send ${status.callbackData}, whose outcome was unknown`);
      message = await findMessage();
    }
    if (!message) {
      notes.push(`status: ${status.status} for unknown message ${status.wamid}`);
      return null;
    }
    await manager.query(
      `UPDATE messages SET status = $2, status_at = $3
        WHERE wamid = $1 AND workspace_id = $4 AND direction = 'outbound'
          AND ${statusRank('$2')} > ${statusRank("coalesce(status, '')")}`,
      [status.wamid, status.status, status.timestamp, workspaceId],
    );
    if (!['sent', 'delivered', 'read', 'played', 'failed'].includes(status.status)) return null;
    const event = await this.events.record(
      {
        workspaceId,
        contactId: message.contact_id,
        type: 'message.status',
        source: 'whatsapp_status',
        sourceId: `${status.wamid}:${status.status}`,
        occurredAt: status.timestamp,
        payload: {
          wamid: status.wamid,
          status: status.status,
          errorCode: status.errorCode,
          flowId: message.flow_id,
          callbackKey: status.callbackData,
        },
      },
      manager,
    );
    return event ? message.contact_id : null;
  }

  /**
   * WhatsApp's own "stop marketing" / "resume" choice: the same consent as a
   * STOP keyword. The customer's contact in every workspace that has this
   * number (or this account) is updated, from the choice's own timestamp.
   */
  private async applyPreference(
    manager: EntityManager,
    item: Extract<WebhookItem, { kind: 'user_preference' }>,
    notes: string[],
  ): Promise<string | null> {
    const contacts = await sqlRows(
      manager,
      z.object({ id: z.string(), workspace_id: z.string() }),
      `SELECT c.id, c.workspace_id FROM contacts c
        WHERE c.workspace_id IN (SELECT workspace_id FROM whatsapp_numbers WHERE phone_number_id = $1 OR ($1::text IS NULL AND waba_id = $2))
          AND ((c.wa_id = $3 AND $3::text IS NOT NULL) OR (c.bsuid = $4 AND $4::text IS NOT NULL))`,
      [item.phoneNumberId, item.wabaId, item.sender.waId, item.sender.userId],
    );
    if (contacts.length === 0) {
      notes.push(`user_preferences: ${item.value} for an unknown contact`);
      return null;
    }
    let changedContact: string | null = null;
    for (const contact of contacts) {
      const changed = await this.consent.record(
        {
          workspaceId: contact.workspace_id,
          contactId: contact.id,
          kind: 'marketing',
          value: item.value === 'stop' ? 'opted_out' : 'opted_in',
          source: 'whatsapp:user_preferences',
          at: item.timestamp,
        },
        manager,
      );
      if (changed) changedContact = contact.id;
    }
    notes.push(`user_preferences: marketing ${item.value}`);
    return changedContact;
  }

  /**
   * A status for a message we have no record of, carrying our idempotency key
   * in biz_opaque_callback_data: Meta did accept a send whose answer we lost
   * (timeout, crash). Records it as sent, so it is never sent again and the
   * step waiting on it can go on.
   */
  private async reconcileSend(manager: EntityManager, number: z.infer<typeof numberRow>, status: MessageStatusUpdate): Promise<boolean> {
    const settled = await sqlRow(
      manager,
      z.object({ execution_id: z.string().nullable(), node_id: z.string().nullable(), request: sentRequestSchema }),
      `UPDATE side_effects SET status = 'succeeded', result = $2, updated_at = $3
        WHERE idempotency_key = $1 AND workspace_id = $4 AND kind = 'whatsapp.send' AND status IN ('pending', 'unknown')
        RETURNING execution_id, node_id, request`,
      [
        status.callbackData,
        JSON.stringify({ wamid: status.wamid, waId: status.recipientId, usedFallback: false, reconciledBy: status.status }),
        this.clock.now(),
        number.workspace_id,
      ],
    );
    if (!settled) return false;
    const request = settled.request;
    const text =
      request.type === 'text'
        ? (request.text?.body ?? null)
        : request.type === 'template'
          ? `[template ${request.template?.name ?? ''}]`
          : null;
    await manager.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at, execution_id, node_id)
       SELECT $1, c.id, $2, 'outbound', $3, $4, $5, $6, $7, 'accepted', $7, $8, $9
         FROM contacts c WHERE c.workspace_id = $1 AND c.wa_id = $10
       ON CONFLICT (wamid) DO NOTHING`,
      [
        number.workspace_id,
        number.id,
        status.wamid,
        request.type,
        text,
        JSON.stringify(request),
        status.timestamp,
        settled.execution_id,
        settled.node_id,
        request.to,
      ],
    );
    return true;
  }
}
