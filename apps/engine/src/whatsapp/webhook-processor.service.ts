import { Injectable, Logger } from '@nestjs/common';
import {
  type MessageStatusUpdate,
  parseWebhookItems,
  type WebhookItem,
  webhookEnvelopeSchema,
  webhookLimitProblem,
} from '@parley/whatsapp';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { codeOfError, errorConstraint } from '../common/error-code';
import { ConsentService } from '../contacts/consent.service';
import { ContactIdentityService } from '../contacts/contact-identity.service';
import { ConversationLedgerService } from '../conversations/conversation-ledger.service';
import { preparedSqlRow, preparedSqlRows, preparedExecute } from '../runtime/prepared-sql';
import { BLOCKING_TEMPLATE_STATUSES, notifyAdmins, WORSE_QUALITY_EVENTS } from '../notifications/admin-alert';
import { isTransientDatabaseError } from '../database/transient-database-error';
import type { WorkItem } from '../dispatch/work-item';
import { EventWriterService } from '../events/event-writer.service';
import { effectiveIntents } from '../workspaces/workspace-settings';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { MessageChangesService } from './message-changes.service';
import { consentKeyword } from './policy/consent-keyword';
import { storableJson } from './storable-json';
import { WhatsAppTemplatesService } from './whatsapp-templates.service';
import { WebhookNumberLookup } from './webhook-number-lookup';

/** After this many failed attempts a delivery is parked with its error instead of retried forever. */
const MAX_ATTEMPTS = 5;
/** Deliveries applied in one transaction at most (see `process`). */
const MAX_GROUP = 32;
/**
 * Group transactions at once; deliveries arriving meanwhile wait and go together in the next group. One: two
 * groups of the same process would lock customers' contacts in different orders (each in its deliveries' order)
 * and deadlock, and a deadlocked group is rolled back and processed delivery by delivery.
 */
const MAX_GROUPS_IN_FLIGHT = 1;
/** How many processed delivery ids a process remembers, so their own work items cost no round trip. */
const PROCESSED_MEMORY = 10_000;

const idRow = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
/**
 * A customer's message just stored; `changed_first`: an edit or deletion of it arrived before it;
 * `recorded`: its `message.received` event was stored with it (only when nothing changed it first).
 */
const insertedMessageRow = z.object({ id: z.string(), changed_first: z.boolean(), recorded: z.boolean() });
/** The number a webhook item is for; `known`: the item's message is stored already (a redelivery). */
const numberRow = z.object({ id: z.string(), workspace_id: z.string(), known: z.boolean() });
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

/** Names an item in notes and logs by kind and id, never by what the customer wrote. */
function itemLabel(item: WebhookItem, index: number): string {
  const id =
    item.kind === 'message'
      ? item.message.wamid
      : item.kind === 'message_change'
        ? item.change.wamid
        : item.kind === 'status'
          ? item.status.wamid
          : null;
  return `item ${index + 1} (${item.kind}${id ? ` ${id}` : ''})`;
}

/** The only item of a delivery failed: its transaction is rolled back whole, then the delivery is marked with `notes`. */
class LoneItemFailure extends Error {
  constructor(readonly notes: string[]) {
    super('The only item of the delivery could not be applied');
  }
}

/** An item of a delivery applied together failed: the transaction is rolled back and the delivery applied again item by item. */
class TogetherFailed extends Error {
  constructor() {
    super('An item of the delivery could not be applied; applying it again item by item');
  }
}

/**
 * How a delivery's items are applied. `together`: no savepoints, and every
 * message the delivery stores is filed on its conversation at the end in one
 * `messagesStored` call (a constant number of statements). `apart`: each item
 * in its own savepoint, its messages filed inside it, so one that cannot be
 * applied is rolled back alone; used only after `together` met a failure.
 */
type ApplyMode = 'together' | 'apart';

/** What applying an item leaves for the delivery: notes, and the messages stored and not yet filed on a conversation. */
interface ItemOutput {
  notes: string[];
  stored: string[];
}

/** What applying a delivery's items leaves: its notes, the contacts with new events, the messages not yet filed. */
interface DeliveryOutput {
  notes: string[];
  contacts: Set<string>;
  stored: string[];
}

/** A `process` call waiting for its delivery's group. */
interface Waiting {
  id: string;
  resolve: (work: WorkItem[]) => void;
  reject: (error: unknown) => void;
}

/** What a group leaves: each processed delivery's work, and the work of those nobody asked for, by contact. */
interface GroupOutcome {
  work: Map<string, WorkItem[]>;
  others: WorkItem[];
}

/** Work items without repeats (two deliveries of one customer make the same item). */
function uniqueWork(items: readonly WorkItem[]): WorkItem[] {
  return [...new Map(items.map((item) => [`${item.kind}:${item.id}`, item])).values()];
}

/** Delivery ids (decimal bigints) in numeric order. */
function byDeliveryId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function workOf(contacts: Iterable<string>): WorkItem[] {
  return [...contacts].map((contactId): WorkItem => ({ kind: 'contact', id: contactId }));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns stored webhook deliveries into contacts, messages and events, each
 * in one transaction, several together when several are ready (see
 * `process`). Messages are unique by wamid and events by source id, so a
 * redelivered webhook changes nothing and starts nothing. An item that cannot
 * be applied is noted in its delivery and the others are stored (see `run`);
 * only a passing fault (the database down, a deadlock) makes the whole
 * delivery go again.
 */
@Injectable()
export class WebhookProcessorService {
  private readonly logger = new Logger('WebhookProcessor');

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly consent: ConsentService,
    private readonly identity: ContactIdentityService,
    private readonly changes: MessageChangesService,
    private readonly settings: WorkspaceSettingsService,
    private readonly templates: WhatsAppTemplatesService,
    private readonly ledger: ConversationLedgerService,
    private readonly clock: Clock,
  ) {}

  private readonly waiting: Waiting[] = [];
  private groupsInFlight = 0;
  /** Deliveries this process's groups committed as processed or rejected (the last `PROCESSED_MEMORY`). */
  private readonly processedHere = new Set<string>();

  /**
   * Processes delivery `id`; returns the work it creates (contacts with new
   * events). Deliveries whose processing is asked for while earlier groups
   * run are applied together in one transaction (a group commit, as ingest
   * stores them): one BEGIN/COMMIT, one read and one write of the deliveries
   * and one filing of their messages for the whole group, in the deliveries'
   * order (their ids, the order they arrived in), so a customer's messages
   * keep theirs. At low load a delivery goes at once, alone. When anything of
   * a group fails, the group is rolled back whole and each delivery is
   * processed again on its own (`processOne`), which keeps the rules for a
   * failing item, a passing fault and parking exactly as they are for one.
   */
  process(id: string): Promise<WorkItem[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      this.pumpGroups();
    });
  }

  private pumpGroups(): void {
    while (this.groupsInFlight < MAX_GROUPS_IN_FLIGHT && this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP);
      this.groupsInFlight += 1;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.groupsInFlight -= 1;
        this.pumpGroups();
      };
      void this.runWaiting(group, release).finally(release);
    }
  }

  /** Runs a group of waiting calls; a delivery asked for twice is processed once (the second call gets no work, as a call that finds it locked). */
  private async runWaiting(group: readonly Waiting[], release: () => void): Promise<void> {
    const first = new Map<string, Waiting>();
    for (const waiter of group) {
      // Processed here already, in another call's group (see `runGroup`): nothing left to do, no round trip to see so.
      if (first.has(waiter.id) || this.processedHere.has(waiter.id)) waiter.resolve([]);
      else first.set(waiter.id, waiter);
    }
    if (first.size === 0) return;
    const locked: string[] = [];
    let outcome: GroupOutcome | null = null;
    try {
      outcome = await this.runGroup([...first.keys()], locked);
    } catch (error) {
      this.logger.debug({ event: 'webhook.group_failed', deliveries: locked.length, errorCode: codeOfError(error) }, 'Applying each alone');
    }
    if (outcome !== null) {
      let others: WorkItem[] = outcome.others;
      for (const [id, waiter] of first) {
        // The work of deliveries nobody here asked for goes back with the first answer, to be dispatched with it.
        waiter.resolve(uniqueWork([...(outcome.work.get(id) ?? []), ...others]));
        others = [];
      }
      return;
    }
    // The next group need not wait for these one-by-one transactions (each as concurrent as before groups existed):
    // a failing group held up every webhook of the process while it went through its deliveries one at a time.
    release();
    // Each delivery the group held, in the order they arrived in, and each asked for: calls that found them held by
    // the group ended without them, so the group's failure must not leave them to the sweeper.
    const results = new Map<string, WorkItem[]>();
    const failures = new Map<string, unknown>();
    for (const id of [...new Set([...locked, ...first.keys()])].sort(byDeliveryId)) {
      try {
        results.set(id, await this.processOne(id));
      } catch (error) {
        // One nobody here asked for stays pending with its attempt counted; its own work item or the sweeper tries again.
        failures.set(id, error);
      }
    }
    let others = [...results].flatMap(([id, work]) => (first.has(id) ? [] : work));
    for (const [id, waiter] of first) {
      if (failures.has(id)) {
        waiter.reject(failures.get(id));
        continue;
      }
      waiter.resolve(uniqueWork([...(results.get(id) ?? []), ...others]));
      others = [];
    }
  }

  /** Notes deliveries this process committed as processed, keeping the last `PROCESSED_MEMORY`. */
  private rememberProcessed(ids: readonly string[]): void {
    for (const id of ids) this.processedHere.add(id);
    // A Set iterates in insertion order: the oldest go first.
    for (const id of this.processedHere) {
      if (this.processedHere.size <= PROCESSED_MEMORY) break;
      this.processedHere.delete(id);
    }
  }

  /**
   * Deliveries in one transaction: the ones asked for and, up to `MAX_GROUP`,
   * other pending deliveries nobody holds (their work items are queued behind
   * other work, and would each open a transaction of their own), all in the
   * order they arrived in; each applied `together` (no savepoints). Only
   * deliveries not tried yet join uninvited: one that failed before waits for
   * its own item, so a bad delivery cannot make group after group fail. Any
   * failure rolls the group back (the caller then processes the asked-for
   * ones alone). A delivery another worker holds or processed is skipped, as
   * `run` skips it. The processed ids are remembered, so their own work items
   * here end at once.
   */
  private async runGroup(ids: readonly string[], locked: string[]): Promise<GroupOutcome> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const deliveries = await preparedSqlRows(
        manager,
        deliveryRow,
        `WITH extra AS (
           SELECT id FROM webhook_deliveries WHERE processed_at IS NULL AND attempts = 0 AND id <> ALL($1::bigint[])
            ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         SELECT id::text AS id, body, attempts, signed_for FROM webhook_deliveries
          WHERE processed_at IS NULL AND (id = ANY($1::bigint[]) OR id IN (SELECT id FROM extra))
          -- The numeric id (the output column "id" is text, and would order 10 before 9): the order they arrived in.
          ORDER BY webhook_deliveries.id FOR UPDATE SKIP LOCKED`,
        [ids, Math.max(0, MAX_GROUP - ids.length)],
      );
      locked.push(...deliveries.map((d) => d.id));
      // Every delivery's items first (a body that is no webhook is marked rejected here), then one look-up of their
      // numbers and of which of their messages are stored already, for the whole group.
      const itemsByDelivery = new Map<string, WebhookItem[] | null>();
      for (const delivery of deliveries) itemsByDelivery.set(delivery.id, await this.itemsOf(manager, delivery));
      const lookup = await WebhookNumberLookup.read(
        manager,
        [...itemsByDelivery.values()].flatMap((items) => items ?? []),
      );
      const work = new Map<string, WorkItem[]>();
      const stored: string[] = [];
      const processed: { id: string; notes: string[] }[] = [];
      for (const delivery of deliveries) {
        const items = itemsByDelivery.get(delivery.id) ?? null;
        const output = items === null ? null : await this.applyItems(manager, delivery, items, 'together', true, lookup);
        // Rejected (marked so by `envelope`): nothing to file or mark.
        if (output === null) continue;
        stored.push(...output.stored);
        processed.push({ id: delivery.id, notes: output.notes });
        work.set(delivery.id, workOf(output.contacts));
      }
      await this.ledger.messagesStored(manager, stored);
      if (processed.length > 0)
        await preparedExecute(
          manager,
          `UPDATE webhook_deliveries d SET processed_at = $3, attempts = d.attempts + 1, notes = v.notes, status = 'processed'
             FROM unnest($1::bigint[], $2::jsonb[]) AS v(id, notes) WHERE d.id = v.id`,
          [processed.map((p) => p.id), processed.map((p) => JSON.stringify(p.notes)), this.clock.now()],
        );
      return { work, done: deliveries.map((d) => d.id) };
    });
    this.rememberProcessed(outcome.done);
    const asked = new Set(ids);
    const others = new Map<string, WorkItem>();
    for (const [id, items] of outcome.work) if (!asked.has(id)) for (const item of items) others.set(item.id, item);
    return { work: outcome.work, others: [...others.values()] };
  }

  /** Processes delivery `id` in a transaction of its own; returns the work it creates. */
  private async processOne(id: string): Promise<WorkItem[]> {
    try {
      try {
        return await this.run(id, 'together');
      } catch (error) {
        if (!(error instanceof TogetherFailed)) throw error;
        return await this.run(id, 'apart');
      }
    } catch (error) {
      if (error instanceof LoneItemFailure) {
        // What a rolled-back savepoint would have left: the delivery processed, with the item's failure.
        await this.dataSource.query(
          `UPDATE webhook_deliveries SET processed_at = $2, attempts = attempts + 1, notes = $3, status = 'processed'
            WHERE id = $1 AND processed_at IS NULL`,
          [id, this.clock.now(), JSON.stringify(error.notes)],
        );
        return [];
      }
      const message = errorText(error);
      // A passing fault (the database full, restarting, locked) is no reason to give up on a
      // customer's message: only failures every attempt would meet again count towards parking.
      const parkable = !isTransientDatabaseError(error);
      const row = await this.dataSource.transaction(async (manager) => {
        const updated = await preparedSqlRow(
          manager,
          z.object({ attempts: z.number(), status: z.string(), workspace_ids: z.array(z.string()).nullable() }),
          `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2,
             processed_at = CASE WHEN $5 AND attempts + 1 >= $3 THEN $4::timestamptz ELSE NULL END,
             status = CASE WHEN $5 AND attempts + 1 >= $3 THEN 'parked' ELSE status END,
             -- Whose it is, resolved once when parked, so each workspace finds its own (see ParkedWebhooksService).
             workspace_ids = CASE WHEN $5 AND attempts + 1 >= $3 THEN parley_webhook_workspaces(body) ELSE workspace_ids END
           WHERE id = $1 AND processed_at IS NULL RETURNING attempts, status, workspace_ids`,
          [id, message.slice(0, 2000), MAX_ATTEMPTS, this.clock.now(), parkable],
        );
        // The admins of each workspace it speaks for hear of it on their bell (issue 13), committed with the parking.
        // Never the error's text: it can quote the payload.
        if (updated?.status === 'parked')
          for (const workspaceId of updated.workspace_ids ?? [])
            await notifyAdmins(manager, {
              workspaceId,
              kind: 'webhook_parked',
              title: 'A WhatsApp webhook was parked',
              body: `Delivery ${id} failed ${updated.attempts} times and is no longer retried. Replay it from the executions page once the cause is fixed.`,
              subjectType: 'webhook_delivery',
              subjectId: id,
            });
        return updated;
      });
      if (row?.status === 'parked') {
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

  /**
   * One transaction over the delivery. Together (the usual case): the items
   * without savepoints and their messages filed in one call at the end; an
   * item that fails rolls it all back (`TogetherFailed`) for an `apart` run,
   * where the failing item is noted and the others are kept. A delivery of
   * one item needs no second run: its failure is noted after the rollback.
   */
  private async run(id: string, mode: ApplyMode): Promise<WorkItem[]> {
    return this.dataSource.transaction(async (manager) => {
      const delivery = await preparedSqlRow(
        manager,
        deliveryRow,
        `SELECT id::text AS id, body, attempts, signed_for FROM webhook_deliveries
          WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
        [id],
      );
      if (!delivery) return [];
      const output = await this.applyDelivery(manager, delivery, mode, false);
      if (!output) return [];
      try {
        await this.ledger.messagesStored(manager, output.stored);
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error;
        // Which message could not be filed is found by filing them one item at a time.
        throw new TogetherFailed();
      }
      await preparedExecute(
        manager,
        `UPDATE webhook_deliveries SET processed_at = $2, attempts = attempts + 1, notes = $3, status = 'processed' WHERE id = $1`,
        [id, this.clock.now(), JSON.stringify(output.notes)],
      );
      return workOf(output.contacts);
    });
  }

  /**
   * Applies a locked delivery's items; null when its body is no webhook (it
   * is marked rejected). The messages it stores are left for the caller to
   * file, except in `apart` mode and for a lone item, whose messages are filed
   * with the item (a failure of theirs is the item's). `grouped`: part of a
   * group, where any failure is thrown as it is (the group is then processed
   * delivery by delivery) and every message is left to the group's filing.
   */
  private async applyDelivery(
    manager: EntityManager,
    delivery: z.infer<typeof deliveryRow>,
    mode: ApplyMode,
    grouped: boolean,
  ): Promise<DeliveryOutput | null> {
    const items = await this.itemsOf(manager, delivery);
    return items === null ? null : this.applyItems(manager, delivery, items, mode, grouped, null);
  }

  /** A locked delivery's items; null when its body is no webhook (it is marked rejected). */
  private async itemsOf(manager: EntityManager, delivery: z.infer<typeof deliveryRow>): Promise<WebhookItem[] | null> {
    const envelope = await this.envelope(manager, delivery);
    return envelope ? parseWebhookItems(envelope) : null;
  }

  /**
   * Applies a delivery's items (see `applyDelivery`); `lookup`: the group's
   * numbers and stored messages, read once for all its deliveries (null: each
   * item looks up its own).
   */
  private async applyItems(
    manager: EntityManager,
    delivery: z.infer<typeof deliveryRow>,
    items: readonly WebhookItem[],
    mode: ApplyMode,
    grouped: boolean,
    lookup: WebhookNumberLookup | null,
  ): Promise<DeliveryOutput> {
    const id = delivery.id;
    const notes: string[] = [];
    const contacts = new Set<string>();
    const stored: string[] = [];
    const signer = delivery.signed_for === null ? null : await this.signer(manager, delivery.signed_for);
    const alone = items.length === 1;
    for (const [index, item] of items.entries()) {
      if (signer && !signedBy(item, signer)) {
        // A number's own app can only speak for its own account and numbers, never for another business's.
        notes.push(`${item.kind}: account ${item.wabaId} is not the one whose app secret signed this delivery; ignored`);
        continue;
      }
      const apart = mode === 'apart' && !alone && !grouped;
      if (apart) await manager.query('SAVEPOINT webhook_item');
      // An item's own notes count only if it is applied: a rolled-back item leaves just its failure.
      const output: ItemOutput = { notes: [], stored: [] };
      try {
        const touched = await this.apply(manager, item, output, lookup);
        // A lone item's messages are the delivery's: filed here, a failure of theirs is the item's.
        if (!grouped && (apart || alone)) await this.ledger.messagesStored(manager, output.stored);
        else stored.push(...output.stored);
        if (apart) await manager.query('RELEASE SAVEPOINT webhook_item');
        notes.push(...output.notes);
        for (const contactId of touched) contacts.add(contactId);
      } catch (error) {
        if (grouped || isTransientDatabaseError(error)) throw error;
        const failure = this.itemFailed(id, itemLabel(item, index), error);
        if (alone) throw new LoneItemFailure([...notes, failure]);
        if (!apart) throw new TogetherFailed();
        await manager.query('ROLLBACK TO SAVEPOINT webhook_item');
        notes.push(failure);
      }
    }
    return { notes, contacts, stored };
  }

  /** Logs an item that could not be applied; returns its note for the delivery. */
  private itemFailed(deliveryId: string, label: string, error: unknown): string {
    this.logger.warn(
      { event: 'webhook.item_failed', deliveryId, item: label, errorCode: codeOfError(error) },
      'Webhook item could not be applied; the others were',
    );
    return `${label} could not be applied: ${errorText(error).slice(0, 500)}`;
  }

  /**
   * The delivery's envelope, with strings PostgreSQL can store; null (and the
   * delivery marked `rejected`, never to be tried again) when its body is not
   * one or is beyond the webhook limits. The controller refuses such bodies
   * already; this keeps the processor safe from any that were stored anyway.
   */
  private async envelope(manager: EntityManager, delivery: z.infer<typeof deliveryRow>) {
    let json: unknown;
    try {
      json = JSON.parse(delivery.body.toString('utf8'));
    } catch {
      await this.reject(manager, delivery.id, 'the body is not JSON');
      return null;
    }
    const problem = webhookLimitProblem(json);
    if (problem) {
      await this.reject(manager, delivery.id, `beyond the webhook limits: ${problem}`);
      return null;
    }
    const envelope = webhookEnvelopeSchema.safeParse(storableJson(json));
    if (!envelope.success) {
      await this.reject(manager, delivery.id, 'the body is not a WhatsApp webhook envelope');
      return null;
    }
    return envelope.data;
  }

  private async reject(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE webhook_deliveries SET processed_at = $2, attempts = attempts + 1, status = 'rejected', notes = $3 WHERE id = $1`,
      [id, this.clock.now(), JSON.stringify([`rejected: ${reason}`])],
    );
    this.logger.warn({ event: 'webhook.rejected', deliveryId: id, reason }, 'Webhook delivery rejected');
  }

  /** The accounts and numbers whose own app secret signed a delivery. */
  private async signer(manager: EntityManager, phoneNumberIds: string[]): Promise<Signer> {
    const rows = await preparedSqlRows(
      manager,
      signerRow,
      'SELECT phone_number_id, waba_id FROM whatsapp_numbers WHERE phone_number_id = ANY($1)',
      [phoneNumberIds],
    );
    return { wabaIds: new Set(rows.map((r) => r.waba_id)), phoneNumberIds: new Set(rows.map((r) => r.phone_number_id)) };
  }

  /** Applies one item; returns the contacts that have new events to process. */
  private async apply(
    manager: EntityManager,
    item: WebhookItem,
    output: ItemOutput,
    lookup: WebhookNumberLookup | null,
  ): Promise<string[]> {
    const { notes, stored } = output;
    switch (item.kind) {
      case 'skipped':
        notes.push(`${item.field}: ${item.reason}`);
        return [];
      case 'error':
        notes.push(`error ${item.code}: ${item.title}${item.details ? ` (${item.details})` : ''}`);
        return [];
      case 'account_update':
        notes.push(`${item.field}: ${item.event ?? 'update'}`);
        return [];
      case 'template_status': {
        const changed = await this.templates.applyStatus(manager, item);
        const status = item.status.toUpperCase();
        if (BLOCKING_TEMPLATE_STATUSES.includes(status)) {
          for (const template of changed.filter((c) => c.previous !== status)) {
            await notifyAdmins(manager, {
              workspaceId: template.workspaceId,
              kind: 'template_blocked',
              title: `Template ${template.name} (${template.language}) ${status.toLowerCase()} by Meta`,
              body: item.reason
                ? `Meta's reason: ${item.reason}. Flows that send it are held until it is approved again.`
                : 'Flows that send it are held until it is approved again.',
              subjectType: 'whatsapp_template',
              subjectId: null,
            });
          }
        }
        notes.push(
          changed.length === 0
            ? `template ${item.name}: ${item.status} (not in the registry; sync the templates)`
            : `template ${item.name}: ${changed.map((c) => `${c.language} ${c.previous} -> ${item.status}`).join(', ')}`,
        );
        return [];
      }
      case 'template_category':
        await manager.query(
          `UPDATE whatsapp_templates SET category = $4, updated_at = $5 WHERE waba_id = $1 AND (meta_id = $2 OR (name = $3 AND ($6::text IS NULL OR language = $6)))`,
          [item.wabaId, item.templateId, item.name, item.newCategory.toUpperCase(), this.clock.now(), item.language],
        );
        notes.push(`template ${item.name}: category ${item.previousCategory ?? '?'} -> ${item.newCategory}`);
        return [];
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
        if (WORSE_QUALITY_EVENTS.includes(item.event)) {
          const numbers = await preparedSqlRows(
            manager,
            z.object({ id: z.string(), workspace_id: z.string(), display_phone_number: z.string() }),
            `SELECT id, workspace_id, display_phone_number FROM whatsapp_numbers WHERE waba_id = $1 AND ($2::text IS NULL OR display_phone_number = $2)`,
            [item.wabaId, item.displayPhoneNumber],
          );
          for (const number of numbers) {
            await notifyAdmins(manager, {
              workspaceId: number.workspace_id,
              kind: 'number_quality',
              title: `Quality of +${number.display_phone_number} dropped (${item.event.toLowerCase()})`,
              body: item.currentLimit
                ? `Messaging limit now ${item.currentLimit}. Slow down marketing to this number's customers.`
                : "Slow down marketing to this number's customers.",
              subjectType: 'whatsapp_number',
              subjectId: number.id,
            });
          }
        }
        notes.push(`number quality: ${item.event}${item.currentLimit ? `, limit ${item.currentLimit}` : ''}`);
        return [];
      case 'user_preference': {
        const changed = await this.applyPreference(manager, item, notes);
        return changed ? [changed] : [];
      }
      case 'message':
      case 'message_change':
      case 'status':
        break;
    }
    // A message's redelivery check rides on the number's look-up: one round trip for both, or none in a group.
    const number = lookup
      ? lookup.numberFor(item)
      : ((await preparedSqlRow(
          manager,
          numberRow,
          `SELECT id, workspace_id, $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM messages WHERE wamid = $2) AS known
             FROM whatsapp_numbers WHERE phone_number_id = $1`,
          [item.phoneNumberId, item.kind === 'message' ? item.message.wamid : null],
        )) ?? null);
    // From here on the group counts the message as stored: a second copy of it in the group is a redelivery.
    if (lookup && number && item.kind === 'message') lookup.stored(item.message.wamid);
    if (!number) {
      notes.push(`${item.kind}: phone_number_id ${item.phoneNumberId} is not registered`);
      return [];
    }
    if (item.kind === 'status') {
      const changed = await this.applyStatus(manager, number, item.status, notes, stored);
      return changed ? [changed] : [];
    }
    if (item.kind === 'message_change') return this.applyMessageChange(manager, number, item, notes);
    return this.applyMessage(manager, number, item, notes, stored);
  }

  /**
   * Stores a customer's message on their contact (found by BSUID, then
   * number; created when new), first applying a number or BSUID change it
   * announces, then any edit or revoke that arrived before it, and records
   * the `message.received` event (not for a message already revoked).
   */
  private async applyMessage(
    manager: EntityManager,
    number: z.infer<typeof numberRow>,
    item: Extract<WebhookItem, { kind: 'message' }>,
    notes: string[],
    stored: string[],
  ): Promise<string[]> {
    const { sender, message } = item;
    const workspaceId = number.workspace_id;
    // A redelivery: the message and everything it changed are stored already.
    if (number.known) return [];
    const touched: string[] = [];
    const system = message.system;
    let identity = { waId: sender.waId, userId: sender.userId };
    if (system && (system.kind === 'user_changed_number' || system.kind === 'customer_changed_number') && system.newWaId !== null) {
      const changed = await this.identity.changeNumber(manager, {
        workspaceId,
        oldWaId: sender.waId,
        oldUserId: system.previousUserId ?? sender.userId,
        newWaId: system.newWaId,
        newUserId: system.userId,
        at: message.timestamp,
        source: message.wamid,
      });
      touched.push(...changed.touched);
      notes.push(...changed.notes);
      identity = { waId: system.newWaId, userId: system.userId ?? sender.userId };
    } else if (system?.kind === 'user_changed_user_id' && system.userId !== null) {
      const changed = await this.identity.changeUserId(manager, {
        workspaceId,
        waId: sender.waId,
        previousUserId: system.previousUserId ?? sender.userId,
        newUserId: system.userId,
        at: message.timestamp,
        source: message.wamid,
      });
      touched.push(...changed.touched);
      notes.push(...changed.notes);
      identity = { waId: sender.waId, userId: system.userId };
    }
    const contact = await this.identity.resolveSender(manager, {
      workspaceId,
      whatsappNumberId: number.id,
      waId: identity.waId,
      userId: identity.userId,
      profileName: sender.profileName,
      at: message.timestamp,
      // A notice about the customer is not the customer writing: it opens no window.
      opensWindow: system === null,
      source: message.wamid,
    });
    touched.push(...contact.touched);
    notes.push(...contact.notes);

    const payload = {
      wamid: message.wamid,
      phoneNumberId: item.phoneNumberId,
      messageType: message.type,
      replyId: message.reply?.id ?? null,
      replyKind: message.reply?.kind ?? null,
      location: message.location,
    };
    // One round trip for the message, whether an edit or a deletion arrived before it, and (when none did) its
    // `message.received` event, with the columns `EventWriterService.record` writes.
    const inserted = await preparedSqlRow(
      manager,
      insertedMessageRow,
      `WITH stored AS (
         INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, reply_to_wamid, reacts_to_wamid)
         VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (wamid) DO NOTHING RETURNING id),
       changed AS (
         SELECT EXISTS (SELECT 1 FROM message_changes WHERE workspace_id = $1 AND original_wamid = $4 AND message_id IS NULL) AS changed_first),
       recorded AS (
         INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
         SELECT $1, $2, 'message.received', 'whatsapp', $4, $8, $11, $12 FROM stored, changed WHERE NOT changed.changed_first
         ON CONFLICT (workspace_id, source, source_id) DO NOTHING RETURNING 1)
       SELECT stored.id, changed.changed_first, EXISTS (SELECT 1 FROM recorded) AS recorded FROM stored, changed`,
      [
        workspaceId,
        contact.contactId,
        number.id,
        message.wamid,
        message.type,
        message.text,
        JSON.stringify(message.raw),
        message.timestamp,
        message.context?.messageId ?? null,
        message.reaction?.messageId ?? null,
        this.clock.now(),
        JSON.stringify({ ...payload, text: message.text }),
      ],
    );
    if (!inserted) return touched;
    // Filed on its conversation with the delivery's other messages (see `run`), after any change that arrived first.
    stored.push(inserted.id);
    const content = inserted.changed_first
      ? await this.changes.applyPending(
          manager,
          workspaceId,
          { id: inserted.id, wamid: message.wamid, contactId: contact.contactId, text: message.text },
          notes,
        )
      : { text: message.text, revoked: false };
    // Taken back before we saw it: kept for the audit, but nothing may act on its words.
    if (content.revoked) return touched;

    if (await this.applyKeyword(manager, workspaceId, contact.contactId, content.text, message.timestamp)) touched.push(contact.contactId);
    // Changed before it arrived: its event carries the words as they are now.
    const recorded =
      inserted.recorded ||
      (inserted.changed_first &&
        (await this.events.record(
          {
            workspaceId,
            contactId: contact.contactId,
            type: 'message.received',
            source: 'whatsapp',
            sourceId: message.wamid,
            occurredAt: message.timestamp,
            payload: { ...payload, text: content.text },
          },
          manager,
        )) !== null);
    return recorded ? [...touched, contact.contactId] : touched;
  }

  /** Stores a customer's edit or revoke against the message it changes (see `MessageChangesService`). */
  private async applyMessageChange(
    manager: EntityManager,
    number: z.infer<typeof numberRow>,
    item: Extract<WebhookItem, { kind: 'message_change' }>,
    notes: string[],
  ): Promise<string[]> {
    const { sender, change } = item;
    const workspaceId = number.workspace_id;
    const contact = await this.identity.resolveSender(manager, {
      workspaceId,
      whatsappNumberId: number.id,
      waId: sender.waId,
      userId: sender.userId,
      profileName: sender.profileName,
      at: change.timestamp,
      opensWindow: false,
      source: change.wamid,
    });
    notes.push(...contact.notes);
    const outcome = await this.changes.record(manager, workspaceId, contact.contactId, change);
    if (outcome === null) return contact.touched;
    notes.push(outcome);
    // Editing a message into a STOP word is asking to stop, as writing it is.
    const consentChanged =
      change.kind === 'edit' && (await this.applyKeyword(manager, workspaceId, contact.contactId, change.text, change.timestamp));
    return consentChanged ? [...contact.touched, contact.contactId] : contact.touched;
  }

  /** "STOP" alone opts the customer out of marketing; a resubscribe keyword brings them back. True when consent changed. */
  private async applyKeyword(
    manager: EntityManager,
    workspaceId: string,
    contactId: string,
    text: string | null,
    at: Date,
  ): Promise<boolean> {
    const intents = effectiveIntents((await this.settings.get(workspaceId)).settings);
    const keyword = consentKeyword(text, { stop: intents['stop'] ?? [], start: intents['start'] ?? [] });
    if (!keyword) return false;
    return this.consent.record(
      {
        workspaceId,
        contactId,
        kind: 'marketing',
        value: keyword.action === 'stop' ? 'opted_out' : 'opted_in',
        source: `keyword:${keyword.keyword}`,
        at,
      },
      manager,
    );
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
    stored: string[],
  ): Promise<string | null> {
    const workspaceId = number.workspace_id;
    const findMessage = () =>
      preparedSqlRow(
        manager,
        z.object({ contact_id: z.string(), flow_id: z.string().nullable() }),
        `SELECT m.contact_id, e.flow_id FROM messages m LEFT JOIN executions e ON e.id = m.execution_id
          WHERE m.wamid = $1 AND m.workspace_id = $2 AND m.direction = 'outbound'`,
        [status.wamid, workspaceId],
      );
    let message = await findMessage();
    if (!message && status.callbackData !== null) {
      if (await this.reconcileSend(manager, number, status, stored))
        notes.push(`status: ${status.status} settled the send ${status.callbackData}, whose outcome was unknown`);
      // Either way, look again: when the send was committing Meta's answer right then, reconcileSend
      // waited for that commit and found the send settled, and its message is now there.
      message = await findMessage();
    }
    if (!message) {
      notes.push(`status: ${status.status} for unknown message ${status.wamid}`);
      return null;
    }
    const moved = await preparedSqlRow(
      manager,
      z.object({ id: z.string() }),
      `UPDATE messages SET status = $2, status_at = $3,
              error_code = CASE WHEN $2 = 'failed' THEN $5 ELSE error_code END,
              error_title = CASE WHEN $2 = 'failed' THEN $6 ELSE error_title END
        WHERE wamid = $1 AND workspace_id = $4 AND direction = 'outbound'
          AND ${statusRank('$2')} > ${statusRank("coalesce(status, '')")}
        RETURNING id`,
      [
        status.wamid,
        status.status,
        status.timestamp,
        workspaceId,
        status.errorCode === null ? null : String(status.errorCode),
        status.errorTitle ?? status.errors[0]?.title ?? null,
      ],
    );
    if (moved) await this.ledger.messageUpdated(manager, moved.id);
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
    const contacts = await preparedSqlRows(
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
  private async reconcileSend(
    manager: EntityManager,
    number: z.infer<typeof numberRow>,
    status: MessageStatusUpdate,
    stored: string[],
  ): Promise<boolean> {
    const settled = await preparedSqlRow(
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
    const message = await preparedSqlRow(
      manager,
      idRow,
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at, execution_id, node_id)
       SELECT $1, c.id, $2, 'outbound', $3, $4, $5, $6, $7, 'accepted', $7, $8, $9
         FROM contacts c WHERE c.workspace_id = $1 AND c.wa_id = $10
       ON CONFLICT (wamid) DO NOTHING RETURNING id`,
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
    if (message) stored.push(message.id);
    return true;
  }
}
