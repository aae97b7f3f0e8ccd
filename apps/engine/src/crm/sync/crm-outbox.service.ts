import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../../database/sql-rows';
import { SYNCED_FIELDS, type SyncedField } from '../connectors/crm-connector';
import type { PendingChange } from './field-decisions';

const fieldsPayload = z.object({ fields: z.record(z.string(), z.string().nullable()) });

const itemRow = z.object({
  id: z.string(),
  connection_id: z.string(),
  contact_id: z.string(),
  kind: z.enum(['contact.fields', 'chat.history']),
  payload: z.record(z.string(), z.unknown()),
  changed_at: z.date(),
  attempts: z.number(),
  remote_attempted: z.boolean(),
  claim_token: z.string().nullable(),
});

export interface OutboxItem {
  id: string;
  connectionId: string;
  contactId: string;
  kind: 'contact.fields' | 'chat.history';
  payload: Record<string, unknown>;
  /** The fields the change touched (contact.fields items). */
  fields: SyncedField[];
  changedAt: Date;
  attempts: number;
  /** An earlier attempt may have reached the CRM before its worker died: look before creating. */
  remoteAttempted: boolean;
  claimToken: string;
}

function isSyncedField(name: string): name is SyncedField {
  return SYNCED_FIELDS.some((field) => field === name);
}

function toItem(row: z.infer<typeof itemRow>): OutboxItem {
  const parsed = fieldsPayload.safeParse(row.payload);
  return {
    id: row.id,
    connectionId: row.connection_id,
    contactId: row.contact_id,
    kind: row.kind,
    payload: row.payload,
    fields: parsed.success ? Object.keys(parsed.data.fields).filter(isSyncedField) : [],
    changedAt: row.changed_at,
    attempts: row.attempts,
    remoteAttempted: row.remote_attempted,
    claimToken: row.claim_token ?? '',
  };
}

/**
 * Owns crm_outbox. A change is claimed by one worker at a time with a
 * token and a lease; only the holder of the token can finish it, so a worker
 * that died mid-call loses its claim after the lease and its late answer
 * writes nothing. A contact's changes are claimed in order: none while an
 * earlier one of the same contact waits or runs.
 */
@Injectable()
export class CrmOutboxService {
  constructor(private readonly dataSource: DataSource) {}

  async claim(connectionId: string, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const token = randomUUID();
    const rows = await sqlRows(
      this.dataSource,
      itemRow,
      `UPDATE crm_outbox SET status = 'running', claim_token = $3, claimed_at = clock_timestamp(), attempts = attempts + 1
        WHERE id IN (
          SELECT c.id FROM crm_outbox c
           WHERE c.connection_id = $1
             AND ((c.status = 'pending' AND c.next_attempt_at <= clock_timestamp())
               OR (c.status = 'running' AND c.claimed_at < clock_timestamp() - make_interval(secs => $4::double precision / 1000)))
             AND NOT EXISTS (
               SELECT 1 FROM crm_outbox p
                WHERE p.connection_id = c.connection_id AND p.contact_id = c.contact_id AND p.id < c.id AND p.status IN ('pending', 'running'))
           ORDER BY c.id LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING id::text AS id, connection_id, contact_id, kind, payload, changed_at, attempts, remote_attempted, claim_token::text AS claim_token`,
      [connectionId, limit, token, leaseMs],
    );
    return rows.map(toItem).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Queues one conversation batch of chat history (in the caller's transaction, with the messages it claims). */
  async enqueueChatBatch(
    manager: EntityManager,
    connectionId: string,
    contactId: string,
    payload: { conversationId: string | null; messageIds: string[] },
  ): Promise<string> {
    const [row] = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      `INSERT INTO crm_outbox (connection_id, contact_id, kind, payload) VALUES ($1, $2, 'chat.history', $3) RETURNING id::text AS id`,
      [connectionId, contactId, JSON.stringify(payload)],
    );
    if (!row) throw new Error('chat batch insert returned nothing');
    return row.id;
  }

  /** Notes that the call which may create a record is about to be made (committed before the call). */
  async markAttempted(item: OutboxItem): Promise<boolean> {
    const result = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE crm_outbox SET remote_attempted = true WHERE id = $1 AND claim_token = $2 AND status = 'running' RETURNING id::text AS id`,
      [item.id, item.claimToken],
    );
    return result.length === 1;
  }

  /** Finishes an item; false when the claim was lost (the lease ran out and another worker took it). */
  async complete(item: OutboxItem, status: 'done' | 'skipped', manager: EntityManager | DataSource = this.dataSource): Promise<boolean> {
    const result = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      `UPDATE crm_outbox SET status = $3, done_at = clock_timestamp(), last_error = NULL
        WHERE id = $1 AND claim_token = $2 AND status = 'running' RETURNING id::text AS id`,
      [item.id, item.claimToken, status],
    );
    return result.length === 1;
  }

  /**
   * Finishes a batch of items the CRM holds now, and moves each one's link
   * baseline to what was sent, in one statement: only items whose claim is
   * still held are finished or linked. Answers the ids finished.
   */
  async completeLinkedMany(
    connectionId: string,
    pushed: readonly {
      item: OutboxItem;
      remoteType: string;
      remoteId: string;
      agreed: Record<string, string | null>;
      remoteModifiedAt: number;
    }[],
  ): Promise<Set<string>> {
    if (pushed.length === 0) return new Set();
    const input = pushed.map((entry) => ({
      id: entry.item.id,
      token: entry.item.claimToken,
      contact: entry.item.contactId,
      remote_type: entry.remoteType,
      remote_id: entry.remoteId,
      agreed: entry.agreed,
      modified: new Date(entry.remoteModifiedAt).toISOString(),
    }));
    const rows = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb)
           AS i(id bigint, token uuid, contact uuid, remote_type text, remote_id text, agreed jsonb, modified timestamptz)
       ), done AS (
         UPDATE crm_outbox o SET status = 'done', done_at = clock_timestamp(), last_error = NULL
           FROM input i
          WHERE o.id = i.id AND o.claim_token = i.token AND o.status = 'running'
         RETURNING o.id
       ), linked AS (
         INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline, remote_modified_at, synced_at)
         SELECT $1, i.contact, i.remote_type, i.remote_id, i.agreed, i.modified, clock_timestamp()
           FROM input i JOIN done d ON d.id = i.id
         ON CONFLICT (connection_id, contact_id) DO UPDATE SET
           baseline = crm_links.baseline || EXCLUDED.baseline,
           remote_modified_at = greatest(crm_links.remote_modified_at, EXCLUDED.remote_modified_at),
           synced_at = EXCLUDED.synced_at
       )
       SELECT id::text AS id FROM done`,
      [connectionId, JSON.stringify(input)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Schedules another attempt after `retryDelayMs`, or marks the item failed after `maxAttempts`. */
  async fail(item: OutboxItem, error: string, maxAttempts: number, retryDelayMs: number): Promise<'retry' | 'failed' | 'lost'> {
    const result = await sqlRows(
      this.dataSource,
      z.object({ status: z.string() }),
      `UPDATE crm_outbox SET
          status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END,
          next_attempt_at = clock_timestamp() + make_interval(secs => $4::double precision / 1000),
          last_error = $5, claim_token = NULL
        WHERE id = $1 AND claim_token = $2 AND status = 'running' RETURNING status`,
      [item.id, item.claimToken, maxAttempts, retryDelayMs, error.slice(0, 2000)],
    );
    const status = result[0]?.status;
    return status === undefined ? 'lost' : status === 'failed' ? 'failed' : 'retry';
  }

  /** A person asks to try failed items again (all of the connection's, or one). */
  async retryFailed(connectionId: string, itemId: string | null): Promise<number> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE crm_outbox SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), last_error = NULL
        WHERE connection_id = $1 AND status = 'failed' AND ($2::bigint IS NULL OR id = $2::bigint) RETURNING id::text AS id`,
      [connectionId, itemId],
    );
    return rows.length;
  }

  /** Local changes of a contact not yet in the CRM, the latest value and time per field. */
  async pendingFields(
    connectionId: string,
    contactId: string,
    manager: EntityManager,
  ): Promise<Partial<Record<SyncedField, PendingChange>>> {
    const rows = await sqlRows(
      manager,
      z.object({ payload: z.record(z.string(), z.unknown()), changed_at: z.date() }),
      `SELECT payload, changed_at FROM crm_outbox
        WHERE connection_id = $1 AND contact_id = $2 AND kind = 'contact.fields' AND status IN ('pending', 'running', 'failed')
        ORDER BY id`,
      [connectionId, contactId],
    );
    const pending: Partial<Record<SyncedField, PendingChange>> = {};
    for (const row of rows) {
      const parsed = fieldsPayload.safeParse(row.payload);
      if (!parsed.success) continue;
      for (const [name, value] of Object.entries(parsed.data.fields)) {
        if (isSyncedField(name)) pending[name] = { value, changedAt: row.changed_at.getTime() };
      }
    }
    return pending;
  }

  /** Drops fields from a contact's waiting changes (the CRM's later value won); an item left with none is skipped. */
  async cancelFields(connectionId: string, contactId: string, fields: SyncedField[], manager: EntityManager): Promise<void> {
    if (fields.length === 0) return;
    await manager.query(
      `UPDATE crm_outbox SET payload = jsonb_set(payload, '{fields}', (payload->'fields') - $3::text[])
        WHERE connection_id = $1 AND contact_id = $2 AND kind = 'contact.fields' AND status IN ('pending', 'failed')`,
      [connectionId, contactId, fields],
    );
    await manager.query(
      `UPDATE crm_outbox SET status = 'skipped', done_at = clock_timestamp()
        WHERE connection_id = $1 AND contact_id = $2 AND kind = 'contact.fields' AND status IN ('pending', 'failed') AND payload->'fields' = '{}'::jsonb`,
      [connectionId, contactId],
    );
  }

  /** `pendingFields` for a page of contacts in one statement (the sync applies a CRM page at once). */
  async pendingFieldsMany(
    connectionId: string,
    contactIds: readonly string[],
    manager: EntityManager,
  ): Promise<Map<string, Partial<Record<SyncedField, PendingChange>>>> {
    const pending = new Map<string, Partial<Record<SyncedField, PendingChange>>>();
    if (contactIds.length === 0) return pending;
    const rows = await sqlRows(
      manager,
      z.object({ contact_id: z.string(), payload: z.record(z.string(), z.unknown()), changed_at: z.date() }),
      `SELECT contact_id, payload, changed_at FROM crm_outbox
        WHERE connection_id = $1 AND contact_id = ANY($2::uuid[]) AND kind = 'contact.fields' AND status IN ('pending', 'running', 'failed')
        ORDER BY id`,
      [connectionId, contactIds],
    );
    for (const row of rows) {
      const parsed = fieldsPayload.safeParse(row.payload);
      if (!parsed.success) continue;
      const fields = pending.get(row.contact_id) ?? {};
      for (const [name, value] of Object.entries(parsed.data.fields)) {
        if (isSyncedField(name)) fields[name] = { value, changedAt: row.changed_at.getTime() };
      }
      pending.set(row.contact_id, fields);
    }
    return pending;
  }

  /** `cancelFields` for a page of contacts in two statements. */
  async cancelFieldsMany(connectionId: string, cancels: ReadonlyMap<string, SyncedField[]>, manager: EntityManager): Promise<void> {
    const entries = [...cancels].filter(([, fields]) => fields.length > 0).map(([contact, fields]) => ({ contact, fields }));
    if (entries.length === 0) return;
    const ids = entries.map((entry) => entry.contact);
    await manager.query(
      `UPDATE crm_outbox o SET payload = jsonb_set(o.payload, '{fields}', (o.payload->'fields') - c.fields)
         FROM jsonb_to_recordset($2::jsonb) AS c(contact uuid, fields text[])
        WHERE o.connection_id = $1 AND o.contact_id = c.contact AND o.kind = 'contact.fields' AND o.status IN ('pending', 'failed')`,
      [connectionId, JSON.stringify(entries)],
    );
    await manager.query(
      `UPDATE crm_outbox SET status = 'skipped', done_at = clock_timestamp()
        WHERE connection_id = $1 AND contact_id = ANY($2::uuid[]) AND kind = 'contact.fields' AND status IN ('pending', 'failed')
          AND payload->'fields' = '{}'::jsonb`,
      [connectionId, ids],
    );
  }
}
