import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import type { EngineConfig } from '../../config/engine-config';
import { EngineMetrics } from '../../metrics/engine-metrics';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { toE164 } from '../../contacts/phone-number';
import { ContactResolverService, type ResolvedIdentity } from '../../contacts/contact-resolver.service';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import {
  type ContactFields,
  type CrmConnector,
  type RecordWriteOutcome,
  type RemoteContact,
  type RemoteRef,
  SYNCED_FIELDS,
  type SyncCursor,
  type SyncedField,
} from '../connectors/crm-connector';
import { CrmError } from '../connectors/crm-error';
import { type ConnectionRow, CrmConnectionsService } from '../connections/crm-connections.service';
import { chatBatchPayload, CrmChatHistoryService } from './crm-chat-history.service';
import { CrmHealthAlertService } from './crm-health-alert.service';
import { CrmOutboxService, type OutboxItem } from './crm-outbox.service';
import { decideFields, type FieldConflict } from './field-decisions';
import { nextBatchAt } from './nightly-batch-time';
import { ZohoChannelService } from '../zoho-notifications/zoho-channel.service';

const contactRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone_e164: z.string().nullable(),
});
const linkRow = z.object({
  contact_id: z.string(),
  remote_type: z.string(),
  remote_id: z.string(),
  baseline: z.record(z.string(), z.string().nullable()),
  remote_modified_at: z.date().nullable(),
});
type LinkRow = z.infer<typeof linkRow>;

const cursorSchema = z.object({
  phase: z.enum(['initial', 'incremental']),
  after: z.string().optional(),
  since: z.number().optional(),
  maxSeen: z.number().optional(),
});

/** One linked change of a batch write: what is sent, and when the CRM record was last known to agree with us. */
interface BatchEntry {
  item: OutboxItem;
  ref: RemoteRef;
  changes: Partial<ContactFields>;
  /** The link as last agreed: its record's modified time and the values both sides held then (versionSeen). */
  link: LinkRow;
}

/** What applying one record of a page came to: the conflicts it queued, or the error that stopped it. */
export type PageOutcome = { conflicts: number } | { error: unknown };

/** Thrown inside a page's transaction when its records must be applied one by one to keep the per-record outcome. */
class PageNeedsRecords extends Error {}

const COLUMN: Record<SyncedField, string> = { firstName: 'first_name', lastName: 'last_name', email: 'email', phone: 'phone_e164' };

function fieldsOf(row: z.infer<typeof contactRow>): ContactFields {
  return { firstName: row.first_name, lastName: row.last_name, email: row.email, phone: row.phone_e164 };
}

function baselineOf(link: LinkRow): Partial<ContactFields> {
  const baseline: Partial<ContactFields> = {};
  for (const field of SYNCED_FIELDS) if (field in link.baseline) baseline[field] = link.baseline[field] ?? null;
  return baseline;
}

/** A connection's own poll interval (Salesforce's `settings.pollIntervalMs`), when it has one. */
const pollIntervalSetting = z.object({ pollIntervalMs: z.number().int().positive().optional() });

/**
 * Whether a record version read from the CRM was already applied or written by us. Older than the version we hold:
 * seen. Newer: not. The same modified time: seen only if its values are the ones both sides agreed on, because
 * a CRM that keeps modified times to the second (Zoho's `Modified_Time`) gives a person's edit made in the same
 * second as our write the same time as our write; that edit was lost before (the local Zoho in Chromium, h38).
 */
export function versionSeen(link: LinkRow | null | undefined, remote: RemoteContact): boolean {
  const seen = link?.remote_modified_at?.getTime();
  if (!link || seen === undefined) return false;
  if (seen !== remote.modifiedAt) return seen > remote.modifiedAt;
  const baseline = baselineOf(link);
  return SYNCED_FIELDS.every((field) => !(field in baseline) || (baseline[field] ?? null) === remote.fields[field]);
}

function describe(error: unknown): string {
  if (error instanceof CrmError) return `${error.kind}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export interface SyncRunResult {
  pushed: number;
  failed: number;
  pulled: number;
  conflicts: number;
}

/**
 * Keeps one connection's contacts in step with its CRM: pushes the outbox
 * (Parley's changes, in order per contact, each exactly once) and pulls the
 * CRM's changes by modified time from a stored cursor, deciding field by
 * field (see decideFields) and queueing conflicts. Runs hold a lease on the
 * connection, so one worker at a time works it.
 */
@Injectable()
export class CrmSyncService {
  private readonly logger = new Logger('CrmSync');

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: CrmConnectionsService,
    private readonly outbox: CrmOutboxService,
    private readonly chatHistory: CrmChatHistoryService,
    private readonly healthAlert: CrmHealthAlertService,
    private readonly resolver: ContactResolverService,
    private readonly zohoChannel: ZohoChannelService,
    private readonly metrics: EngineMetrics,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /**
   * One round for a connection: pull when the poll interval has passed (or
   * `forcePull`), then push what is due unless `push` is false (the runner's
   * rounds leave the push to CrmPushLoop, which a queued change wakes).
   */
  async run(connectionId: string, options: { forcePull?: boolean; maxPages?: number; push?: boolean } = {}): Promise<SyncRunResult | null> {
    const lease = randomUUID();
    const leased = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE crm_connections SET sync_lease_token = $2, sync_lease_until = clock_timestamp() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND status = 'active' AND (sync_lease_until IS NULL OR sync_lease_until < clock_timestamp()) RETURNING id`,
      [connectionId, lease, this.config.CRM_OUTBOX_LEASE_MS],
    );
    if (!leased) return null;
    const result: SyncRunResult = { pushed: 0, failed: 0, pulled: 0, conflicts: 0 };
    try {
      const connection = await this.connections.rowById(connectionId);
      if (!connection) return result;
      const connector = this.connections.connector(connection);
      // The CRM's changes are read first, so a field changed on both sides is seen as a conflict before our change is pushed over it.
      const pollEvery = pollIntervalSetting.safeParse(connection.settings).data?.pollIntervalMs ?? this.config.CRM_POLL_INTERVAL_MS;
      const due = !connection.last_poll_at || Date.now() - connection.last_poll_at.getTime() >= pollEvery;
      if (options.forcePull || due) {
        await this.pull(connection, connector, result, options.maxPages ?? 50);
        await this.chatHistory.collect(connection);
        // Zoho's notification channel lives at most a day: subscribed, then renewed, from the poll.
        await this.zohoChannel.ensure(connection, connector);
      }
      await this.nightlyBatch(connection, connector, result, options.maxPages ?? 50);
      if (options.push ?? true) await this.withPushLease(connectionId, () => this.push(connection, connector, result));
      await this.dataSource.query(`UPDATE crm_connections SET quota = $2 WHERE id = $1`, [connectionId, JSON.stringify(connector.quota())]);
      await this.healthAlert.check(connection);
      return result;
    } finally {
      await this.dataSource.query(`UPDATE crm_connections SET sync_lease_until = NULL WHERE id = $1 AND sync_lease_token = $2`, [
        connectionId,
        lease,
      ]);
    }
  }

  /**
   * The outbox push on its own (CrmPushLoop): every due change of the
   * connection, under its push lease, apart from the round's pull and chat
   * history. Null when the connection is gone or paused, or another process
   * holds the push lease (that process is pushing).
   */
  async pushDue(connectionId: string): Promise<SyncRunResult | null> {
    const connection = await this.connections.rowById(connectionId);
    if (!connection || connection.status !== 'active') return null;
    const connector = this.connections.connector(connection);
    const result: SyncRunResult = { pushed: 0, failed: 0, pulled: 0, conflicts: 0 };
    if (!(await this.withPushLease(connectionId, () => this.push(connection, connector, result, true)))) return null;
    if (result.pushed + result.failed > 0)
      await this.dataSource.query(`UPDATE crm_connections SET quota = $2 WHERE id = $1`, [connectionId, JSON.stringify(connector.quota())]);
    return result;
  }

  /**
   * One process at a time pushes a connection: its CRM's limits are counted
   * by that process's connector, and the outbox claims alone would let two
   * processes send side by side. False when another holder has the lease.
   */
  private async withPushLease(connectionId: string, work: () => Promise<void>): Promise<boolean> {
    const lease = randomUUID();
    const leased = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE crm_connections SET push_lease_token = $2, push_lease_until = clock_timestamp() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND status = 'active' AND (push_lease_until IS NULL OR push_lease_until < clock_timestamp()) RETURNING id`,
      [connectionId, lease, this.config.CRM_OUTBOX_LEASE_MS],
    );
    if (!leased) return false;
    try {
      await work();
      return true;
    } finally {
      await this.dataSource.query(`UPDATE crm_connections SET push_lease_until = NULL WHERE id = $1 AND push_lease_token = $2`, [
        connectionId,
        lease,
      ]);
    }
  }

  /**
   * Claims and sends due changes, up to 20 claims. `untilShort` (the push loop's pushes) stops after a claim that was
   * not full: the changes queued meanwhile then wait for the loop's next push, PUSH_SPACING_MS after this one started,
   * and go out together. Draining them at once sent a batch every ~90 ms at 200 changes/s (about 18 changes each,
   * 36 HubSpot calls a second); HubSpot's 190 per 10 s ran out and every change was held 10 s (p99 10.0-10.3 s, h40).
   * A sync round (and "Sync now") still drains, so a contact's second change goes in the same round as its first.
   */
  private async push(connection: ConnectionRow, connector: CrmConnector, result: SyncRunResult, untilShort = false): Promise<void> {
    const limit = Math.max(100, connector.batchLimit * 2);
    for (let round = 0; round < 20; round++) {
      const items = await this.outbox.claim(connection.id, limit, this.config.CRM_OUTBOX_LEASE_MS);
      if (items.length === 0) return;
      // Items of one claim belong to different contacts (a contact's next change waits for this one), so they may run side by side.
      const single = await this.pushBatched(connection, connector, items, result);
      const lanes = 8;
      for (let start = 0; start < single.length; start += lanes) {
        await Promise.all(single.slice(start, start + lanes).map((item) => this.pushItem(connection, connector, item, result)));
      }
      if (untilShort && items.length < limit) return;
    }
  }

  /**
   * Field changes of contacts already linked go out through the CRM's batch
   * write (HubSpot 100, Zoho 100, Salesforce 200 records a call): one call
   * per batch instead of one per change, which is what keeps 200 changes a
   * second inside HubSpot's 190 calls per 10 s. A record the CRM refuses
   * fails alone (retried, then shown in the health view); the others are
   * finished together. Answers the items left to the one-by-one path
   * (unlinked contacts, chat history, nothing to send, a record twice).
   */
  private async pushBatched(
    connection: ConnectionRow,
    connector: CrmConnector,
    items: readonly OutboxItem[],
    result: SyncRunResult,
  ): Promise<OutboxItem[]> {
    const candidates = items.filter((item) => item.kind === 'contact.fields' && item.fields.length > 0);
    if (candidates.length < 2) return [...items];
    const contactIds = candidates.map((item) => item.contactId);
    const [contacts, links] = await Promise.all([
      sqlRows(
        this.dataSource,
        contactRow,
        `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = ANY($1::uuid[])`,
        [contactIds],
      ),
      sqlRows(
        this.dataSource,
        linkRow,
        `SELECT contact_id, remote_type, remote_id, baseline, remote_modified_at FROM crm_links WHERE connection_id = $1 AND contact_id = ANY($2::uuid[])`,
        [connection.id, contactIds],
      ),
    ]);
    const contactById = new Map(contacts.map((contact) => [contact.id, contact]));
    const linkByContact = new Map(links.map((link) => [link.contact_id, link]));
    const batched: BatchEntry[] = [];
    const seenRecords = new Set<string>();
    const rest: OutboxItem[] = [];
    for (const item of items) {
      const contact = contactById.get(item.contactId);
      const link = linkByContact.get(item.contactId);
      const recordKey = link ? `${link.remote_type}/${link.remote_id}` : '';
      if (!candidates.includes(item) || !contact || !link || seenRecords.has(recordKey)) {
        rest.push(item);
        continue;
      }
      const current = fieldsOf(contact);
      const changes: Partial<ContactFields> = {};
      for (const field of item.fields) changes[field] = current[field];
      seenRecords.add(recordKey);
      batched.push({ item, ref: { type: link.remote_type, id: link.remote_id }, changes, link });
    }
    const chunks: (typeof batched)[] = [];
    for (let start = 0; start < batched.length; start += connector.batchLimit)
      chunks.push(batched.slice(start, start + connector.batchLimit));
    await Promise.all(chunks.map((chunk) => this.pushChunk(connection, connector, chunk, result)));
    return rest;
  }

  private async pushChunk(
    connection: ConnectionRow,
    connector: CrmConnector,
    given: readonly BatchEntry[],
    result: SyncRunResult,
  ): Promise<void> {
    let outcomes: RecordWriteOutcome[];
    let chunk = given;
    try {
      chunk = await this.readBeforeWrite(connection, connector, given);
      outcomes = await connector.updateMany(chunk.map((entry) => ({ ref: entry.ref, fields: entry.changes })));
    } catch (error) {
      // The whole call failed (limit, outage, auth): every change of it is retried later.
      outcomes = chunk.map(() => ({ ok: false, error: error instanceof CrmError ? error : new CrmError('unavailable', describe(error)) }));
    }
    const now = Date.now();
    const pushed = chunk.flatMap((entry, index) => {
      const outcome = outcomes[index];
      return outcome?.ok
        ? [
            {
              item: entry.item,
              remoteType: entry.ref.type,
              remoteId: entry.ref.id,
              agreed: entry.changes,
              remoteModifiedAt: outcome.modifiedAt ?? now,
            },
          ]
        : [];
    });
    const finished = await this.outbox.completeLinkedMany(connection.id, pushed);
    const calls: { ok: boolean; lagMs: number | null; error: string | null }[] = [];
    for (const entry of pushed) {
      if (!finished.has(entry.item.id)) continue;
      const lagMs = Math.max(0, now - entry.item.changedAt.getTime());
      result.pushed++;
      this.metrics.crmSyncFinished(connection.provider, 'push', 'succeeded', lagMs / 1000);
      calls.push({ ok: true, lagMs, error: null });
    }
    for (const [index, entry] of chunk.entries()) {
      const outcome = outcomes[index];
      if (!outcome || outcome.ok) continue;
      const message = describe(outcome.error);
      const status = await this.outbox.fail(entry.item, message, connection.max_attempts, connection.retry_delay_ms);
      if (status === 'lost') continue;
      result.failed++;
      this.metrics.crmSyncFinished(connection.provider, 'push', 'failed', null);
      calls.push({ ok: false, lagMs: null, error: message });
      if (status === 'failed') this.logger.warn(`CRM change ${entry.item.id} failed for good: ${message}`);
    }
    await this.connections.recordCalls(connection.id, 'realtime', calls);
  }

  /**
   * Looks at the linked records before writing over them. The push runs as
   * soon as a change is queued, not after the round's pull, so a change made
   * in the CRM since we last agreed (the link's modified time) would
   * otherwise be overwritten without a conflict. "Changed" is versionSeen's
   * test, as for the pull: a newer modified time, or the same one with values
   * other than the agreed ones, since a CRM keeping seconds (Zoho) gives an
   * edit made in the second of our last write that write's time. Such records are applied
   * first like a polled page (decideFields: the later change by millisecond
   * wins, the pair is queued for review), and what is sent is then the
   * contact's value after that. One read call per batchLimit records.
   * Answers the entries with their changes as they are to be sent.
   */
  private async readBeforeWrite(connection: ConnectionRow, connector: CrmConnector, entries: readonly BatchEntry[]): Promise<BatchEntry[]> {
    const byType = new Map<string, BatchEntry[]>();
    for (const entry of entries) byType.set(entry.ref.type, [...(byType.get(entry.ref.type) ?? []), entry]);
    const agreed = new Map(entries.map((entry) => [`${entry.ref.type}/${entry.ref.id}`, entry.link]));
    const changedRemotely: RemoteContact[] = [];
    for (const [type, ofType] of byType) {
      for (let start = 0; start < ofType.length; start += connector.batchLimit) {
        const remotes = await connector.getMany(
          type,
          ofType.slice(start, start + connector.batchLimit).map((entry) => entry.ref.id),
        );
        for (const remote of remotes) if (!versionSeen(agreed.get(`${remote.type}/${remote.id}`), remote)) changedRemotely.push(remote);
      }
    }
    if (changedRemotely.length === 0) return [...entries];
    await this.applyPageOrEach(connection, connector.provider, changedRemotely);
    const touched = new Set(changedRemotely.map((remote) => `${remote.type}/${remote.id}`));
    const ids = entries.filter((entry) => touched.has(`${entry.ref.type}/${entry.ref.id}`)).map((entry) => entry.item.contactId);
    const contacts = await sqlRows(
      this.dataSource,
      contactRow,
      `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const now = new Map(contacts.map((contact) => [contact.id, fieldsOf(contact)]));
    return entries.map((entry) => {
      const current = now.get(entry.item.contactId);
      if (!current) return entry;
      const changes: Partial<ContactFields> = {};
      for (const field of entry.item.fields) changes[field] = current[field];
      return { ...entry, changes };
    });
  }

  private async pushItem(connection: ConnectionRow, connector: CrmConnector, item: OutboxItem, result: SyncRunResult): Promise<void> {
    try {
      const contact = await sqlRow(
        this.dataSource,
        contactRow,
        `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = $1`,
        [item.contactId],
      );
      if (!contact) {
        await this.outbox.complete(item, 'skipped');
        return;
      }
      if (item.kind === 'chat.history') {
        await this.pushChat(connection, connector, item, result);
        return;
      }
      const current = fieldsOf(contact);
      const link = await this.link(connection.id, contact.id);
      if (link) {
        const changes: Partial<ContactFields> = {};
        for (const field of item.fields) changes[field] = current[field];
        if (Object.keys(changes).length === 0) {
          await this.outbox.complete(item, 'skipped');
          return;
        }
        const ref = { type: link.remote_type, id: link.remote_id };
        const [entry] = await this.readBeforeWrite(connection, connector, [{ item, ref, changes, link }]);
        if (!entry) throw new Error('read before write answered nothing');
        const { modifiedAt } = await connector.update(ref, entry.changes);
        await this.finishPush(connection, item, link.remote_type, link.remote_id, entry.changes, modifiedAt ?? Date.now(), result);
        return;
      }
      if (!current.phone) {
        // Without a number there is nothing to match the CRM record by (WhatsApp customers always have one).
        await this.outbox.complete(item, 'skipped');
        return;
      }
      let remote: RemoteContact | null = await connector.findByPhone(current.phone);
      if (remote) {
        const changes: Partial<ContactFields> = {};
        for (const field of item.fields) if (current[field] !== null) changes[field] = current[field];
        const { modifiedAt } = await connector.update(remote, changes);
        await this.finishPush(connection, item, remote.type, remote.id, { ...remote.fields, ...changes }, modifiedAt ?? Date.now(), result);
        return;
      }
      if (!(await this.outbox.markAttempted(item))) return;
      remote = await connector.create(current);
      await this.finishPush(connection, item, remote.type, remote.id, current, remote.modifiedAt || Date.now(), result);
    } catch (error) {
      const message = describe(error);
      const outcome = await this.outbox.fail(item, message, connection.max_attempts, connection.retry_delay_ms);
      if (outcome !== 'lost') {
        result.failed++;
        this.metrics.crmSyncFinished(connection.provider, 'push', 'failed', null);
        await this.connections.recordCall(connection.id, 'realtime', false, null, message);
      }
      if (outcome === 'failed') this.logger.warn(`CRM change ${item.id} failed for good: ${message}`);
    }
  }

  /**
   * Logs one conversation batch as the CRM's activity. Before the call the
   * item is marked attempted; a retry of an attempted batch first looks for
   * the activity by its key, so a worker that died after the CRM saved it
   * does not make a second one.
   */
  private async pushChat(connection: ConnectionRow, connector: CrmConnector, item: OutboxItem, result: SyncRunResult): Promise<void> {
    const payload = chatBatchPayload.safeParse(item.payload);
    if (!payload.success) {
      await this.outbox.complete(item, 'skipped');
      return;
    }
    const batch = await this.chatHistory.batch(connection.id, item.id, payload.data);
    if (batch.lines.length === 0) {
      // The messages were erased since the batch was queued.
      await this.outbox.complete(item, 'skipped');
      return;
    }
    const ref = await this.remoteRefFor(connection, connector, item.contactId);
    let activity = item.remoteAttempted ? await connector.findActivity(batch.key) : null;
    if (!activity) {
      if (!(await this.outbox.markAttempted(item))) return;
      activity = await connector.logActivity(ref, batch);
    }
    const logged = activity;
    const finished = await this.dataSource.transaction(async (manager) => {
      if (!(await this.outbox.complete(item, 'done', manager))) return false;
      await this.chatHistory.markLogged(manager, connection.id, item.id, logged.id);
      return true;
    });
    if (!finished) return;
    result.pushed++;
    this.metrics.crmSyncFinished(connection.provider, 'push', 'succeeded', Math.max(0, Date.now() - item.changedAt.getTime()) / 1000);
    await this.connections.recordCall(connection.id, 'realtime', true, Date.now() - item.changedAt.getTime(), null);
  }

  private async finishPush(
    connection: ConnectionRow,
    item: OutboxItem,
    remoteType: string,
    remoteId: string,
    agreed: Partial<ContactFields>,
    remoteModifiedAt: number,
    result: SyncRunResult,
  ): Promise<void> {
    const finished = await this.dataSource.transaction(async (manager) => {
      if (!(await this.outbox.complete(item, 'done', manager))) return false;
      await manager.query(
        `INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline, remote_modified_at, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
         ON CONFLICT (connection_id, contact_id) DO UPDATE SET
           baseline = crm_links.baseline || EXCLUDED.baseline,
           remote_modified_at = greatest(crm_links.remote_modified_at, EXCLUDED.remote_modified_at),
           synced_at = EXCLUDED.synced_at`,
        [connection.id, item.contactId, remoteType, remoteId, JSON.stringify(agreed), new Date(remoteModifiedAt)],
      );
      return true;
    });
    if (!finished) return;
    result.pushed++;
    // Lag of a push: from the change in Parley to the CRM holding it.
    this.metrics.crmSyncFinished(connection.provider, 'push', 'succeeded', Math.max(0, Date.now() - item.changedAt.getTime()) / 1000);
    await this.connections.recordCall(connection.id, 'realtime', true, Date.now() - item.changedAt.getTime(), null);
  }

  /**
   * The CRM record of a contact, for flow steps that write to it (deals,
   * tasks, notes): the linked record; else the one with its number, which is
   * then linked; else a new record made from the contact. The link's
   * baseline is what both sides hold, so the next pull sees no change.
   */
  async remoteRefFor(connection: ConnectionRow, connector: CrmConnector, contactId: string): Promise<RemoteRef> {
    const linked = await this.link(connection.id, contactId);
    if (linked) return { type: linked.remote_type, id: linked.remote_id };
    const contact = await sqlRow(
      this.dataSource,
      contactRow,
      `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = $1`,
      [contactId],
    );
    if (!contact) throw new CrmError('not_found', `contact ${contactId} is gone`);
    const current = fieldsOf(contact);
    if (!current.phone) throw new CrmError('validation', 'the contact has no number to find or create its CRM record by');
    const remote = (await connector.findByPhone(current.phone)) ?? (await connector.create(current));
    await this.dataSource.query(
      `INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline, remote_modified_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        connection.id,
        contactId,
        remote.type,
        remote.id,
        JSON.stringify(remote.fields),
        remote.modifiedAt ? new Date(remote.modifiedAt) : null,
      ],
    );
    // Another worker may have linked it meanwhile: its link stands.
    const stored = await this.link(connection.id, contactId);
    return stored ? { type: stored.remote_type, id: stored.remote_id } : { type: remote.type, id: remote.id };
  }

  private async link(
    connectionId: string,
    contactId: string,
    manager: EntityManager | DataSource = this.dataSource,
  ): Promise<LinkRow | null> {
    return (
      (await sqlRow(
        manager,
        linkRow,
        `SELECT contact_id, remote_type, remote_id, baseline, remote_modified_at FROM crm_links WHERE connection_id = $1 AND contact_id = $2`,
        [connectionId, contactId],
      )) ?? null
    );
  }

  private async pull(connection: ConnectionRow, connector: CrmConnector, result: SyncRunResult, maxPages: number): Promise<void> {
    const stored = cursorSchema.safeParse(connection.cursor);
    const cursor: SyncCursor = stored.success ? stored.data : { phase: 'initial' };
    await this.readPages(connection, connector, result, cursor, maxPages, async (next) => {
      await this.dataSource.query(`UPDATE crm_connections SET cursor = $2, last_poll_at = clock_timestamp() WHERE id = $1`, [
        connection.id,
        JSON.stringify(next),
      ]);
    });
  }

  /**
   * The nightly batch: once a day at the connection's time (02:00 by
   * default) in the workspace's zone, every record modified since the last
   * batch began is read again, apart from the real-time cursor, so a change
   * the webhooks and polls missed is still brought in. Its cursor is stored
   * after each page: a crash resumes the batch where it stopped.
   */
  private async nightlyBatch(connection: ConnectionRow, connector: CrmConnector, result: SyncRunResult, maxPages: number): Promise<void> {
    // The initial import is the first batch; the nightly one starts after it.
    if (connection.cursor['phase'] !== 'incremental') return;
    const now = Date.now();
    const zone = await this.workspaceZone(connection.workspace_id);
    if (!connection.batch_next_at) {
      await this.dataSource.query(`UPDATE crm_connections SET batch_next_at = $2 WHERE id = $1`, [
        connection.id,
        nextBatchAt(now, zone, connection.batch_at),
      ]);
      return;
    }
    const resumed = cursorSchema.safeParse(connection.batch_cursor);
    if (!resumed.success && connection.batch_next_at.getTime() > now) return;
    let cursor: SyncCursor;
    if (resumed.success) cursor = resumed.data;
    else {
      // From where the previous batch began (a minute earlier, for clocks), or a day back for the first one.
      const since = (connection.batch_started_at?.getTime() ?? now - 24 * 3_600_000) - 60_000;
      cursor = { phase: 'incremental', since };
      await this.dataSource.query(
        `UPDATE crm_connections SET batch_cursor = $2, batch_started_at = to_timestamp($3::double precision / 1000) WHERE id = $1`,
        [connection.id, JSON.stringify(cursor), now],
      );
    }
    const outcome = await this.readPages(
      connection,
      connector,
      result,
      cursor,
      maxPages,
      async (next) => {
        await this.dataSource.query(`UPDATE crm_connections SET batch_cursor = $2 WHERE id = $1`, [connection.id, JSON.stringify(next)]);
      },
      'batch',
    );
    if (outcome === 'caught_up') {
      await this.dataSource.query(`UPDATE crm_connections SET batch_cursor = NULL, batch_next_at = $2 WHERE id = $1`, [
        connection.id,
        nextBatchAt(Date.now(), zone, connection.batch_at),
      ]);
    }
  }

  private async workspaceZone(workspaceId: string): Promise<string> {
    const row = await sqlRow(
      this.dataSource,
      z.object({ zone: z.string().nullable() }),
      `SELECT settings->>'timeZone' AS zone FROM workspaces WHERE id = $1`,
      [workspaceId],
    );
    return row?.zone ?? 'UTC';
  }

  /** Reads pages from `cursor`, applying each record and saving the cursor after each page. */
  private async readPages(
    connection: ConnectionRow,
    connector: CrmConnector,
    result: SyncRunResult,
    start: SyncCursor,
    maxPages: number,
    save: (cursor: SyncCursor) => Promise<void>,
    forceMode?: 'batch',
  ): Promise<'caught_up' | 'more' | 'failed'> {
    let cursor = start;
    for (let page = 0; page < maxPages; page++) {
      const mode = forceMode ?? (cursor.phase === 'initial' ? 'batch' : 'realtime');
      let answer;
      try {
        answer = await connector.pull(cursor);
      } catch (error) {
        this.metrics.crmSyncFinished(connection.provider, 'pull', 'failed', null);
        await this.connections.recordCall(connection.id, mode, false, null, describe(error));
        return 'failed';
      }
      const outcomes = await this.applyPageOrEach(connection, connector.provider, answer.contacts);
      for (const [index, remote] of answer.contacts.entries()) {
        try {
          const outcome = outcomes[index];
          if (!outcome || 'error' in outcome) throw outcome?.error ?? new Error('no outcome');
          result.conflicts += outcome.conflicts;
          result.pulled++;
          // Lag of a pull: from the CRM's change to Parley holding it (the initial import is not a lag).
          this.metrics.crmSyncFinished(
            connector.provider,
            'pull',
            'succeeded',
            mode === 'realtime' ? Math.max(0, Date.now() - remote.modifiedAt) / 1000 : null,
          );
        } catch (error) {
          this.metrics.crmSyncFinished(connector.provider, 'pull', 'failed', null);
          await this.connections.recordCall(connection.id, mode, false, null, `record ${remote.id}: ${describe(error)}`);
        }
      }
      cursor = answer.cursor;
      // The cursor is stored after each page: a crash resumes from here, and re-reading a page is harmless.
      await save(cursor);
      if (answer.contacts.length > 0 || mode === 'batch') {
        const lag =
          mode === 'realtime' && answer.contacts.length > 0
            ? Math.max(0, Date.now() - Math.max(...answer.contacts.map((c) => c.modifiedAt)))
            : null;
        await this.connections.recordCall(connection.id, mode, true, lag, null);
      }
      if (answer.caughtUp) return 'caught_up';
    }
    return 'more';
  }

  /**
   * Applies the CRM records a webhook named as changed: each is read again
   * (the event says only what changed, and may be late or repeated), then
   * decided like a polled change. Returns the number applied.
   */
  async applyChanged(
    connection: ConnectionRow,
    remoteType: string,
    ids: readonly string[],
  ): Promise<{ applied: number; conflicts: number }> {
    const connector = this.connections.connector(connection);
    let applied = 0;
    let conflicts = 0;
    // The named records are read in batches (one call per batchLimit ids) and applied as a page, not one call and one transaction each.
    for (let start = 0; start < ids.length; start += connector.batchLimit) {
      const remotes = await connector.getMany(remoteType, ids.slice(start, start + connector.batchLimit));
      const outcomes = await this.applyPageOrEach(connection, connector.provider, remotes);
      const calls: { ok: boolean; lagMs: number | null; error: string | null }[] = [];
      let failure: unknown = null;
      outcomes.forEach((outcome, index) => {
        const remote = remotes[index];
        if (!remote) return;
        if ('error' in outcome) {
          failure ??= outcome.error;
          return;
        }
        conflicts += outcome.conflicts;
        applied++;
        const lagMs = Math.max(0, Date.now() - remote.modifiedAt);
        this.metrics.crmSyncFinished(connector.provider, 'pull', 'succeeded', lagMs / 1000);
        calls.push({ ok: true, lagMs, error: null });
      });
      await this.connections.recordCalls(connection.id, 'realtime', calls);
      // The caller answers an error, so the CRM delivers again; what was applied is seen as already applied then.
      if (failure instanceof Error) throw failure;
      if (failure !== null) throw new Error(describe(failure));
    }
    return { applied, conflicts };
  }

  /**
   * A page of CRM records in one transaction, set-based (see applyPage);
   * when that cannot give the per-record outcome — a record fails, or a
   * field the page applies would change which contact a later record finds
   * — the page is applied record by record instead, each in its own
   * transaction, so one bad record never holds back the others.
   */
  private async applyPageOrEach(connection: ConnectionRow, provider: string, remotes: readonly RemoteContact[]): Promise<PageOutcome[]> {
    if (remotes.length > 1) {
      try {
        return await this.applyPage(connection, provider, remotes);
      } catch (error) {
        if (!(error instanceof PageNeedsRecords)) this.logger.warn(`CRM page applied record by record: ${describe(error)}`);
      }
    }
    return this.applyEach(connection, provider, remotes);
  }

  /** The records one after another, each in its own transaction (the page's fallback; the reference the page is tested against). */
  async applyEach(connection: ConnectionRow, provider: string, remotes: readonly RemoteContact[]): Promise<PageOutcome[]> {
    const outcomes: PageOutcome[] = [];
    for (const remote of remotes) {
      try {
        outcomes.push({ conflicts: await this.applyRemote(connection, provider, remote) });
      } catch (error) {
        outcomes.push({ error });
      }
    }
    return outcomes;
  }

  /**
   * `applyRemote` for a page of records, with the same outcome as applying
   * them one after another, in one transaction of set-based statements: the
   * page's links in one read, identities resolved together
   * (ContactResolverService.resolveMany), the contacts locked and read
   * together, waiting outbox changes read together, the field decisions
   * made in memory record after record (decideFields, as per record), then
   * one write each for links, contacts, outbox cancellations and conflicts.
   */
  async applyPage(connection: ConnectionRow, provider: string, remotes: readonly RemoteContact[]): Promise<PageOutcome[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('parley.crm_origin', $1, true)`, [connection.id]);
      const keyOf = (type: string, id: string) => `${type}\u0000${id}`;
      const links = new Map<string, LinkRow>();
      for (const row of await sqlRows(
        manager,
        linkRow,
        `SELECT l.contact_id, l.remote_type, l.remote_id, l.baseline, l.remote_modified_at FROM crm_links l
           JOIN unnest($2::text[], $3::text[]) AS r(type, id) ON l.remote_type = r.type AND l.remote_id = r.id
          WHERE l.connection_id = $1`,
        [connection.id, remotes.map((r) => r.type), remotes.map((r) => r.id)],
      )) {
        links.set(keyOf(row.remote_type, row.remote_id), row);
      }
      // Identities to resolve: the first sight of each record not linked yet (a repeat finds the link the first made).
      const toResolve: { index: number; phone: string | null; email: string | null; remote: RemoteContact }[] = [];
      const firstSeen = new Set<string>();
      remotes.forEach((remote, index) => {
        const key = keyOf(remote.type, remote.id);
        if (links.has(key) || firstSeen.has(key)) return;
        firstSeen.add(key);
        const phone = remote.fields.phone ? toE164(remote.fields.phone) : null;
        if (!phone && !remote.fields.email) return;
        toResolve.push({ index, phone, email: remote.fields.email, remote });
      });
      const resolved = new Map<number, ResolvedIdentity>();
      const answers = await this.resolver.resolveMany(
        connection.workspace_id,
        toResolve.map((r) => ({
          phone: r.phone,
          email: r.email,
          firstName: r.remote.fields.firstName,
          lastName: r.remote.fields.lastName,
        })),
        'crm',
        manager,
      );
      toResolve.forEach((r, i) => {
        const answer = answers[i];
        if (answer) resolved.set(r.index, answer);
      });
      const resolvedIds = [...new Set([...resolved.values()].flatMap((a) => ('contactId' in a ? [a.contactId] : [])))];
      // Contacts linked to another record of this CRM already (a duplicate in the CRM): the first link stays.
      const linkedContacts = new Set(
        (
          await sqlRows(
            manager,
            z.object({ contact_id: z.string() }),
            `SELECT contact_id FROM crm_links WHERE connection_id = $1 AND contact_id = ANY($2::uuid[])`,
            [connection.id, resolvedIds],
          )
        ).map((row) => row.contact_id),
      );
      // A version already seen (our own writes read back by the poll, mostly) changes nothing: its contact is not locked,
      // so the poll does not hold the rows that Parley's writers and the push loop are working on meanwhile.
      const fresh = new Set(
        remotes
          .filter((remote) => {
            return !versionSeen(links.get(keyOf(remote.type, remote.id)), remote);
          })
          .map((remote) => keyOf(remote.type, remote.id)),
      );
      const contactIds = [
        ...new Set([...[...links.entries()].filter(([key]) => fresh.has(key)).map(([, link]) => link.contact_id), ...resolvedIds]),
      ];
      const contacts = new Map<string, ContactFields>();
      for (const row of await sqlRows(
        manager,
        contactRow,
        `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [contactIds],
      )) {
        contacts.set(row.id, fieldsOf(row));
      }
      const pending = await this.outbox.pendingFieldsMany(connection.id, contactIds, manager);

      const outcomes: PageOutcome[] = [];
      const newLinks = new Set<string>();
      const touchedLinks = new Set<string>();
      const changedContacts = new Map<string, Partial<ContactFields>>();
      const cancels = new Map<string, SyncedField[]>();
      const conflicts: { contactId: string; conflict: FieldConflict }[] = [];
      // The lookup values of records still to resolve after each position: a phone or email applied before them could change what they find.
      const laterKeys = (after: number) =>
        new Set(toResolve.filter((r) => r.index > after).flatMap((r) => [r.phone, r.email?.trim().toLowerCase() ?? null]));
      remotes.forEach((remote, index) => {
        const key = keyOf(remote.type, remote.id);
        let link = links.get(key);
        if (versionSeen(link, remote)) {
          outcomes.push({ conflicts: 0 });
          return;
        }
        if (!link) {
          const answer = resolved.get(index);
          if (!answer) {
            outcomes.push({ conflicts: 0 });
            return;
          }
          if ('error' in answer) {
            outcomes.push({ error: answer.error });
            return;
          }
          if (linkedContacts.has(answer.contactId)) {
            outcomes.push({ conflicts: 0 });
            return;
          }
          linkedContacts.add(answer.contactId);
          link = { contact_id: answer.contactId, remote_type: remote.type, remote_id: remote.id, baseline: {}, remote_modified_at: null };
          links.set(key, link);
          newLinks.add(key);
        }
        const current = contacts.get(link.contact_id);
        if (!current) {
          outcomes.push({ conflicts: 0 });
          return;
        }
        const normalized: ContactFields = {
          ...remote.fields,
          phone: remote.fields.phone ? (toE164(remote.fields.phone) ?? remote.fields.phone) : null,
        };
        const waiting = pending.get(link.contact_id) ?? {};
        const decisions = decideFields({
          baseline: baselineOf(link),
          current,
          pending: waiting,
          remote: { fields: normalized, modifiedAt: remote.modifiedAt },
        });
        const applied = Object.entries(decisions.applyLocally);
        if (applied.length > 0) {
          const later = laterKeys(index);
          const { phone, email } = decisions.applyLocally;
          if ((phone && later.has(phone)) || (email && later.has(email.trim().toLowerCase()))) throw new PageNeedsRecords();
          contacts.set(link.contact_id, { ...current, ...decisions.applyLocally });
          changedContacts.set(link.contact_id, { ...changedContacts.get(link.contact_id), ...decisions.applyLocally });
        }
        if (decisions.cancelPending.length > 0) {
          cancels.set(link.contact_id, [...new Set([...(cancels.get(link.contact_id) ?? []), ...decisions.cancelPending])]);
          const left = { ...waiting };
          for (const field of decisions.cancelPending) delete left[field];
          pending.set(link.contact_id, left);
        }
        link.baseline = { ...link.baseline, ...decisions.agreed };
        link.remote_modified_at = new Date(remote.modifiedAt);
        touchedLinks.add(key);
        for (const conflict of decisions.conflicts) conflicts.push({ contactId: link.contact_id, conflict });
        outcomes.push({ conflicts: decisions.conflicts.length });
      });

      const written = [...touchedLinks].flatMap((key) => {
        const link = links.get(key);
        return link ? [{ link, inserted: newLinks.has(key) }] : [];
      });
      const asJson = (entries: { link: LinkRow }[]) =>
        JSON.stringify(
          entries.map(({ link }) => ({
            contact_id: link.contact_id,
            remote_type: link.remote_type,
            remote_id: link.remote_id,
            baseline: link.baseline,
            remote_modified_at: link.remote_modified_at?.toISOString() ?? null,
          })),
        );
      const inserted = written.filter((w) => w.inserted);
      if (inserted.length > 0) {
        await manager.query(
          `INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline, remote_modified_at, synced_at)
           SELECT $1, v.contact_id, v.remote_type, v.remote_id, v.baseline, v.remote_modified_at, clock_timestamp()
             FROM jsonb_to_recordset($2::jsonb) AS v(contact_id uuid, remote_type text, remote_id text, baseline jsonb, remote_modified_at timestamptz)`,
          [connection.id, asJson(inserted)],
        );
      }
      const updated = written.filter((w) => !w.inserted);
      if (updated.length > 0) {
        // The whole baseline is written: it is the stored one with each of the page's agreements laid over it.
        await manager.query(
          `UPDATE crm_links l SET baseline = v.baseline, remote_modified_at = v.remote_modified_at, synced_at = clock_timestamp()
             FROM jsonb_to_recordset($2::jsonb) AS v(contact_id uuid, remote_type text, remote_id text, baseline jsonb, remote_modified_at timestamptz)
            WHERE l.connection_id = $1 AND l.contact_id = v.contact_id`,
          [connection.id, asJson(updated)],
        );
      }
      if (changedContacts.size > 0) {
        const rows = [...changedContacts].map(([id, fields]) => ({
          id,
          set: SYNCED_FIELDS.filter((field) => field in fields).map((field) => COLUMN[field]),
          first_name: fields.firstName ?? null,
          last_name: fields.lastName ?? null,
          email: fields.email ?? null,
          phone_e164: fields.phone ?? null,
        }));
        await manager.query(
          `UPDATE contacts c SET
             first_name = CASE WHEN 'first_name' = ANY(v.set) THEN v.first_name ELSE c.first_name END,
             last_name = CASE WHEN 'last_name' = ANY(v.set) THEN v.last_name ELSE c.last_name END,
             email = CASE WHEN 'email' = ANY(v.set) THEN v.email ELSE c.email END,
             phone_e164 = CASE WHEN 'phone_e164' = ANY(v.set) THEN v.phone_e164 ELSE c.phone_e164 END,
             updated_at = clock_timestamp()
             FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, set text[], first_name text, last_name text, email text, phone_e164 text)
            WHERE c.id = v.id`,
          [JSON.stringify(rows)],
        );
      }
      await this.outbox.cancelFieldsMany(connection.id, cancels, manager);
      if (conflicts.length > 0) {
        await manager.query(
          `INSERT INTO crm_conflicts (workspace_id, connection_id, contact_id, field, local_value, local_changed_at, remote_value, remote_changed_at, remote_source, winner)
           SELECT $1, $2, v.contact_id, v.field, v.local_value, v.local_changed_at, v.remote_value, v.remote_changed_at, $3, v.winner
             FROM jsonb_to_recordset($4::jsonb) AS v(contact_id uuid, field text, local_value text, local_changed_at timestamptz,
                  remote_value text, remote_changed_at timestamptz, winner text, n bigint)
            ORDER BY n`,
          [
            connection.workspace_id,
            connection.id,
            provider,
            JSON.stringify(
              conflicts.map(({ contactId, conflict }, n) => ({
                n,
                contact_id: contactId,
                field: conflict.field,
                local_value: conflict.localValue,
                local_changed_at: new Date(conflict.localChangedAt).toISOString(),
                remote_value: conflict.remoteValue,
                remote_changed_at: new Date(conflict.remoteChangedAt).toISOString(),
                winner: conflict.winner,
              })),
            ),
          ],
        );
      }
      return outcomes;
    });
  }

  /** Applies one record read from the CRM; returns the number of conflicts queued. */
  private async applyRemote(connection: ConnectionRow, provider: string, remote: RemoteContact): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Writes made here come from the CRM: the outbox trigger must not send them back.
      await manager.query(`SELECT set_config('parley.crm_origin', $1, true)`, [connection.id]);
      let link =
        (await sqlRow(
          manager,
          linkRow,
          `SELECT contact_id, remote_type, remote_id, baseline, remote_modified_at FROM crm_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`,
          [connection.id, remote.type, remote.id],
        )) ?? null;
      // A version already seen (or older than our own write) says nothing new; search may still show it.
      if (versionSeen(link, remote)) return 0;
      if (!link) {
        const phone = remote.fields.phone ? toE164(remote.fields.phone) : null;
        if (!phone && !remote.fields.email) return 0;
        const { contactId } = await this.resolver.resolve(
          connection.workspace_id,
          { phone, email: remote.fields.email, firstName: remote.fields.firstName, lastName: remote.fields.lastName },
          'crm',
          manager,
        );
        const taken = await this.link(connection.id, contactId, manager);
        // Another CRM record is linked to this contact already (a duplicate in the CRM): the first link stays.
        if (taken) return 0;
        await manager.query(
          `INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline) VALUES ($1, $2, $3, $4, '{}')`,
          [connection.id, contactId, remote.type, remote.id],
        );
        link = { contact_id: contactId, remote_type: remote.type, remote_id: remote.id, baseline: {}, remote_modified_at: null };
      }
      const contact = await sqlRow(
        manager,
        contactRow,
        `SELECT id, workspace_id, first_name, last_name, email, phone_e164 FROM contacts WHERE id = $1 FOR UPDATE`,
        [link.contact_id],
      );
      if (!contact) return 0;
      const normalized: ContactFields = {
        ...remote.fields,
        phone: remote.fields.phone ? (toE164(remote.fields.phone) ?? remote.fields.phone) : null,
      };
      const decisions = decideFields({
        baseline: baselineOf(link),
        current: fieldsOf(contact),
        pending: await this.outbox.pendingFields(connection.id, contact.id, manager),
        remote: { fields: normalized, modifiedAt: remote.modifiedAt },
      });
      const sets = SYNCED_FIELDS.filter((field) => field in decisions.applyLocally).map((field) => ({
        column: COLUMN[field],
        value: decisions.applyLocally[field] ?? null,
      }));
      if (sets.length > 0) {
        await manager.query(
          `UPDATE contacts SET ${sets.map((s, i) => `${s.column} = $${i + 2}`).join(', ')}, updated_at = clock_timestamp() WHERE id = $1`,
          [contact.id, ...sets.map((s) => s.value)],
        );
      }
      await this.outbox.cancelFields(connection.id, contact.id, decisions.cancelPending, manager);
      await manager.query(
        `UPDATE crm_links SET baseline = baseline || $3::jsonb, remote_modified_at = $4, synced_at = clock_timestamp() WHERE connection_id = $1 AND contact_id = $2`,
        [connection.id, contact.id, JSON.stringify(decisions.agreed), new Date(remote.modifiedAt)],
      );
      for (const conflict of decisions.conflicts) {
        await manager.query(
          `INSERT INTO crm_conflicts (workspace_id, connection_id, contact_id, field, local_value, local_changed_at, remote_value, remote_changed_at, remote_source, winner)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            connection.workspace_id,
            connection.id,
            contact.id,
            conflict.field,
            conflict.localValue,
            new Date(conflict.localChangedAt),
            conflict.remoteValue,
            new Date(conflict.remoteChangedAt),
            provider,
            conflict.winner,
          ],
        );
      }
      return decisions.conflicts.length;
    });
  }
}
