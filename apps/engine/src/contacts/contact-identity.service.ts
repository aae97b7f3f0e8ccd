import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { EventWriterService } from '../events/event-writer.service';
import { preparedExecute, preparedSqlRow, preparedSqlRows } from '../runtime/prepared-sql';
import {
  decideNumberChange,
  decideSenderContact,
  decideUserIdChange,
  type IdentityChange,
  type IdentityField,
  type KnownContact,
  type SenderFacts,
} from './identity-decisions';

export interface WhatsAppSender {
  workspaceId: string;
  /** The business number (whatsapp_numbers.id) the customer wrote to. */
  whatsappNumberId: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  /** The message's own timestamp. */
  at: Date;
  /** Whether this is the customer writing (opens the 24 h window), not a notice or an edit of an older message. */
  opensWindow: boolean;
  /** The wamid that told us, kept in the history and in the events' ids. */
  source: string;
}

export interface ResolvedSender {
  contactId: string;
  /** Contacts given new events (created, a number changed), whose events must be processed. */
  touched: string[];
  /** What moved between contacts, for the delivery's notes. */
  notes: string[];
}

const knownRow = z.object({ id: z.string(), wa_id: z.string().nullable(), bsuid: z.string().nullable() });
const retiredRow = z.object({ contact_id: z.string(), kind: z.enum(['wa_id', 'bsuid']), value: z.string(), ended_at: z.date() });
const idRow = z.object({ id: z.string() });
const valueRow = z.object({ value: z.string().nullable() });
/** One row of `SENDER_FACTS_SQL`: a contact found by BSUID or number (locked), or a retired identifier. */
const senderFactRow = z.object({
  source: z.enum(['bsuid', 'wa_id', 'retired']),
  id: z.string(),
  wa_id: z.string().nullable(),
  bsuid: z.string().nullable(),
  kind: z.enum(['wa_id', 'bsuid']).nullable(),
  value: z.string().nullable(),
  ended_at: z.date().nullable(),
});

/**
 * Everything `decideSenderContact` needs, in one round trip (it was three): the
 * contact holding the BSUID and the one holding the number, both locked as
 * `findBy` locks them, and the history entries of both identifiers ended after
 * the message was written.
 */
const SENDER_FACTS_SQL = `WITH by_bsuid AS (
   SELECT coalesce(merged_into_id, id) AS id, wa_id, bsuid FROM contacts WHERE workspace_id = $1 AND bsuid = $3 FOR UPDATE),
 by_wa_id AS (
   SELECT coalesce(merged_into_id, id) AS id, wa_id, bsuid FROM contacts WHERE workspace_id = $1 AND wa_id = $2 FOR UPDATE)
SELECT 'bsuid' AS source, id, wa_id, bsuid, NULL::text AS kind, NULL::text AS value, NULL::timestamptz AS ended_at FROM by_bsuid
UNION ALL
SELECT 'wa_id', id, wa_id, bsuid, NULL, NULL, NULL FROM by_wa_id
UNION ALL
SELECT 'retired', contact_id, NULL, NULL, kind, value, ended_at FROM contact_identity_history
 WHERE workspace_id = $1 AND ended_at > $4 AND ((kind = 'wa_id' AND value = $2) OR (kind = 'bsuid' AND value = $3))`;

/**
 * A new customer's contact and its `contact.created` event in one statement
 * (the event's columns as `EventWriterService.record` writes them). ON CONFLICT
 * DO NOTHING instead of a savepoint: when a concurrent delivery made the same
 * customer first (either identifier), no row comes back and the sender is
 * resolved again, seeing its committed contact.
 */
const CREATE_CONTACT_SQL = `WITH created AS (
   INSERT INTO contacts (workspace_id, wa_id, bsuid, phone_e164, display_name, first_name, whatsapp_number_id, last_inbound_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id),
 event AS (
   INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
   SELECT $1, created.id, 'contact.created', 'contact', created.id::text || ':created', $9, $10, '{"source":"whatsapp"}'::jsonb FROM created
   ON CONFLICT (workspace_id, source, source_id) DO NOTHING)
SELECT id FROM created`;

/** The sender's contact when the decision changes no identifier: its name, number and window (prepared). */
const USE_CONTACT_SQL = `UPDATE contacts SET
   display_name = COALESCE($2, display_name),
   first_name = COALESCE(first_name, $3),
   whatsapp_number_id = $4,
   last_inbound_at = CASE WHEN $5::timestamptz IS NULL THEN last_inbound_at ELSE GREATEST(last_inbound_at, $5::timestamptz) END,
   updated_at = $6
 WHERE id = $1`;

/** How often a sender is resolved again when a concurrent delivery created the same contact first. */
const RESOLVE_ATTEMPTS = 3;

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError: unknown = error.driverError;
  return typeof driverError === 'object' && driverError !== null && 'code' in driverError && driverError.code === '23505';
}

function firstName(profileName: string | null): string | null {
  const first = profileName?.trim().split(/\s+/)[0];
  return first && first.length > 0 ? first : null;
}

function e164Of(waId: string | null): string | null {
  return waId !== null && /^\d{6,15}$/.test(waId) ? `+${waId}` : null;
}

/** `USE_CONTACT_SQL`'s values: what a message says of its sender's contact. */
function useContactParams(contactId: string, sender: WhatsAppSender, now: Date): unknown[] {
  return [
    contactId,
    sender.profileName,
    firstName(sender.profileName),
    sender.whatsappNumberId,
    sender.opensWindow ? sender.at : null,
    now,
  ];
}

/** A new contact's first eight columns (workspace, wa_id, bsuid, phone, names, number, last inbound), as both inserts take them. */
function newContactParams(workspaceId: string, sender: WhatsAppSender): unknown[] {
  return [
    workspaceId,
    sender.waId,
    sender.userId,
    e164Of(sender.waId),
    sender.profileName,
    firstName(sender.profileName),
    sender.whatsappNumberId,
    sender.opensWindow ? sender.at : null,
  ];
}

function known(row: z.infer<typeof knownRow> | undefined): KnownContact | null {
  return row ? { id: row.id, waId: row.wa_id, bsuid: row.bsuid } : null;
}

/**
 * A WhatsApp customer's contact and identifiers (number and BSUID): finds or
 * creates the contact of a sender, applies number and BSUID changes, keeps
 * what a contact gave up in `contact_identity_history`, and records every
 * change of `wa_id` and `phone` as a `contact.field_changed` event. Works in
 * the caller's transaction; the rules are in `identity-decisions.ts`.
 */
@Injectable()
export class ContactIdentityService {
  constructor(
    private readonly events: EventWriterService,
    private readonly clock: Clock,
  ) {}

  /**
   * The contact a message from `sender` belongs to, created when new. The
   * usual cases (a known customer, a new one) take two statements and no
   * savepoint: one read of the facts, then the contact's update or its insert
   * with its event. A decision that moves an identifier between contacts,
   * rare, goes the savepoint way (`resolveOnce`), where a unique violation of
   * a concurrent delivery is rolled back alone and the sender resolved again.
   */
  async resolveSender(manager: EntityManager, sender: WhatsAppSender): Promise<ResolvedSender> {
    for (let attempt = 1; attempt <= RESOLVE_ATTEMPTS; attempt += 1) {
      const decision = decideSenderContact(await this.senderFacts(manager, sender));
      if (decision.changes.length > 0) break;
      const notes = decision.why ? [decision.why] : [];
      if (decision.action === 'use') {
        await preparedExecute(manager, USE_CONTACT_SQL, useContactParams(decision.contactId, sender, this.clock.now()));
        return { contactId: decision.contactId, touched: [], notes };
      }
      const now = this.clock.now();
      const created = await preparedSqlRow(manager, idRow, CREATE_CONTACT_SQL, [
        ...newContactParams(sender.workspaceId, sender),
        sender.at,
        now,
      ]);
      if (created) return { contactId: created.id, touched: [created.id], notes };
      // A concurrent delivery made this customer's contact first (now committed): read the facts again.
    }
    return this.retrying(manager, () => this.resolveOnce(manager, sender));
  }

  /** What `decideSenderContact` needs about `sender`, read in one statement (`SENDER_FACTS_SQL`). */
  private async senderFacts(manager: EntityManager, sender: WhatsAppSender): Promise<SenderFacts> {
    const rows = await preparedSqlRows(manager, senderFactRow, SENDER_FACTS_SQL, [
      sender.workspaceId,
      sender.waId,
      sender.userId,
      sender.at,
    ]);
    const contactOf = (source: 'bsuid' | 'wa_id'): KnownContact | null => {
      const row = rows.find((r) => r.source === source);
      return row ? { id: row.id, waId: row.wa_id, bsuid: row.bsuid } : null;
    };
    const retired = rows.flatMap((r) =>
      r.source === 'retired' && r.kind !== null && r.value !== null && r.ended_at !== null
        ? [{ contactId: r.id, field: r.kind, value: r.value, endedAt: r.ended_at }]
        : [],
    );
    return {
      waId: sender.waId,
      userId: sender.userId,
      at: sender.at,
      byBsuid: sender.userId === null ? null : contactOf('bsuid'),
      byWaId: sender.waId === null ? null : contactOf('wa_id'),
      retired,
    };
  }

  /** Applies a `user_changed_number` notice: the customer's contact takes the new number (and BSUID, when given). */
  changeNumber(
    manager: EntityManager,
    input: {
      workspaceId: string;
      oldWaId: string | null;
      oldUserId: string | null;
      newWaId: string;
      newUserId: string | null;
      at: Date;
      source: string;
    },
  ): Promise<{ touched: string[]; notes: string[] }> {
    return this.retrying(manager, () => this.changeNumberOnce(manager, input));
  }

  /** Applies a `user_changed_user_id` notice: the contact takes the new BSUID. */
  changeUserId(
    manager: EntityManager,
    input: { workspaceId: string; waId: string | null; previousUserId: string | null; newUserId: string; at: Date; source: string },
  ): Promise<{ touched: string[]; notes: string[] }> {
    return this.retrying(manager, () => this.changeUserIdOnce(manager, input));
  }

  /**
   * Runs `work` in a savepoint, again when a concurrent delivery created or
   * took the same identifier first (a unique violation): the second look sees
   * its committed row.
   */
  private async retrying<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      await manager.query('SAVEPOINT contact_identity');
      try {
        const result = await work();
        await manager.query('RELEASE SAVEPOINT contact_identity');
        return result;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= RESOLVE_ATTEMPTS) throw error;
        await manager.query('ROLLBACK TO SAVEPOINT contact_identity');
      }
    }
  }

  private async changeNumberOnce(
    manager: EntityManager,
    input: Parameters<ContactIdentityService['changeNumber']>[1],
  ): Promise<{ touched: string[]; notes: string[] }> {
    const contact =
      (await this.findBy(manager, input.workspaceId, 'wa_id', input.oldWaId)) ??
      (await this.findBy(manager, input.workspaceId, 'bsuid', input.oldUserId));
    const lastNumberChangeAt = contact ? await this.lastChange(manager, contact.id, 'wa_id') : null;
    const decision = decideNumberChange({
      contact: contact ? { ...contact, lastNumberChangeAt } : null,
      oldWaId: input.oldWaId,
      newWaId: input.newWaId,
      newUserId: input.newUserId,
      holderOfNewWaId: await this.findBy(manager, input.workspaceId, 'wa_id', input.newWaId),
      holderOfNewUserId: await this.findBy(manager, input.workspaceId, 'bsuid', input.newUserId),
      at: input.at,
    });
    const touched = await this.apply(manager, input.workspaceId, decision.changes, false, {
      at: input.at,
      source: input.source,
      cause: 'whatsapp:user_changed_number',
    });
    return { touched, notes: decision.why ? [decision.why] : [] };
  }

  private async changeUserIdOnce(
    manager: EntityManager,
    input: Parameters<ContactIdentityService['changeUserId']>[1],
  ): Promise<{ touched: string[]; notes: string[] }> {
    const contact =
      (await this.findBy(manager, input.workspaceId, 'bsuid', input.previousUserId)) ??
      (await this.findBy(manager, input.workspaceId, 'wa_id', input.waId));
    const decision = decideUserIdChange({
      contact,
      newUserId: input.newUserId,
      holderOfNewUserId: await this.findBy(manager, input.workspaceId, 'bsuid', input.newUserId),
    });
    const touched = await this.apply(manager, input.workspaceId, decision.changes, false, {
      at: input.at,
      source: input.source,
      cause: 'whatsapp:user_changed_user_id',
    });
    return { touched, notes: decision.why ? [decision.why] : [] };
  }

  private async resolveOnce(manager: EntityManager, sender: WhatsAppSender): Promise<ResolvedSender> {
    const { workspaceId } = sender;
    const byBsuid = await this.findBy(manager, workspaceId, 'bsuid', sender.userId);
    const byWaId = await this.findBy(manager, workspaceId, 'wa_id', sender.waId);
    const retired =
      sender.waId === null && sender.userId === null
        ? []
        : await sqlRows(
            manager,
            retiredRow,
            `SELECT contact_id, kind, value, ended_at FROM contact_identity_history
              WHERE workspace_id = $1 AND ended_at > $4
                AND ((kind = 'wa_id' AND value = $2) OR (kind = 'bsuid' AND value = $3))`,
            [workspaceId, sender.waId, sender.userId, sender.at],
          );
    const decision = decideSenderContact({
      waId: sender.waId,
      userId: sender.userId,
      at: sender.at,
      byBsuid,
      byWaId,
      retired: retired.map((r) => ({ contactId: r.contact_id, field: r.kind, value: r.value, endedAt: r.ended_at })),
    });
    const context = { at: sender.at, source: sender.source, cause: 'whatsapp:message' };
    const notes = decision.why ? [decision.why] : [];
    if (decision.action === 'use') {
      const touched = await this.apply(manager, workspaceId, decision.changes, false, context);
      await manager.query(USE_CONTACT_SQL, useContactParams(decision.contactId, sender, this.clock.now()));
      return { contactId: decision.contactId, touched, notes };
    }
    // Identifiers given up to the new contact must be free before it takes them (they are unique per workspace).
    const releases = decision.changes.filter((c) => c.kind === 'release');
    for (const release of releases) {
      await manager.query(`UPDATE contacts SET ${release.field} = NULL, updated_at = $2 WHERE id = $1`, [
        release.contactId,
        this.clock.now(),
      ]);
    }
    const created = await sqlRow(
      manager,
      idRow,
      `INSERT INTO contacts (workspace_id, wa_id, bsuid, phone_e164, display_name, first_name, whatsapp_number_id, last_inbound_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      newContactParams(workspaceId, sender),
    );
    if (!created) throw new Error('contact insert returned no row');
    await this.events.record(
      {
        workspaceId,
        contactId: created.id,
        type: 'contact.created',
        source: 'contact',
        sourceId: `${created.id}:created`,
        occurredAt: sender.at,
        payload: { source: 'whatsapp' },
      },
      manager,
    );
    const touched = await this.apply(
      manager,
      workspaceId,
      releases.map((r) => ({ ...r, movedTo: r.movedTo ?? created.id })),
      true,
      context,
    );
    return { contactId: created.id, touched: [created.id, ...touched], notes };
  }

  private async findBy(
    manager: EntityManager,
    workspaceId: string,
    field: IdentityField,
    value: string | null,
  ): Promise<KnownContact | null> {
    if (value === null) return null;
    // A contact merged into another keeps its identifiers; what they identify is the contact it went into.
    return known(
      await sqlRow(
        manager,
        knownRow,
        `SELECT coalesce(merged_into_id, id) AS id, wa_id, bsuid FROM contacts WHERE workspace_id = $1 AND ${field} = $2 FOR UPDATE`,
        [workspaceId, value],
      ),
    );
  }

  private async lastChange(manager: EntityManager, contactId: string, field: IdentityField): Promise<Date | null> {
    const row = await sqlRow(
      manager,
      z.object({ at: z.date().nullable() }),
      `SELECT max(ended_at) AS at FROM contact_identity_history WHERE contact_id = $1 AND kind = $2 AND reason <> 'moved_to_contact'`,
      [contactId, field],
    );
    return row?.at ?? null;
  }

  /**
   * Applies identity changes in order: releases first (an identifier is
   * unique per workspace), then the new values, each given-up value into the
   * history. `released`: the identifiers were already taken off their old
   * contacts (before a new contact was created with them). Returns the
   * contacts given events.
   */
  private async apply(
    manager: EntityManager,
    workspaceId: string,
    changes: readonly IdentityChange[],
    released: boolean,
    context: { at: Date; source: string; cause: string },
  ): Promise<string[]> {
    const touched = new Set<string>();
    const ordered = [...changes.filter((c) => c.kind === 'release'), ...changes.filter((c) => c.kind === 'set')];
    for (const change of ordered) {
      if (change.kind === 'release') {
        if (!released) {
          await manager.query(`UPDATE contacts SET ${change.field} = NULL, updated_at = $2 WHERE id = $1`, [
            change.contactId,
            this.clock.now(),
          ]);
        }
        await this.retire(
          manager,
          workspaceId,
          change.contactId,
          change.field,
          change.value,
          null,
          'moved_to_contact',
          change.movedTo,
          context,
        );
        if (
          change.field === 'wa_id' &&
          (await this.recordFieldChange(manager, workspaceId, change.contactId, 'wa_id', change.value, null, context))
        ) {
          touched.add(change.contactId);
        }
        continue;
      }
      if (change.field === 'bsuid') {
        await manager.query('UPDATE contacts SET bsuid = $2, updated_at = $3 WHERE id = $1', [
          change.contactId,
          change.to,
          this.clock.now(),
        ]);
        if (change.from !== null) {
          await this.retire(manager, workspaceId, change.contactId, 'bsuid', change.from, change.to, change.reason, null, context);
        }
        continue;
      }
      const phone = await sqlRow(manager, valueRow, 'SELECT phone_e164 AS value FROM contacts WHERE id = $1', [change.contactId]);
      const newPhone = e164Of(change.to) ?? phone?.value ?? null;
      await manager.query('UPDATE contacts SET wa_id = $2, phone_e164 = $3, updated_at = $4 WHERE id = $1', [
        change.contactId,
        change.to,
        newPhone,
        this.clock.now(),
      ]);
      if (change.from !== null) {
        await this.retire(manager, workspaceId, change.contactId, 'wa_id', change.from, change.to, change.reason, null, context);
      }
      if (await this.recordFieldChange(manager, workspaceId, change.contactId, 'wa_id', change.from, change.to, context))
        touched.add(change.contactId);
      if (phone?.value !== newPhone) {
        await this.recordFieldChange(manager, workspaceId, change.contactId, 'phone', phone?.value ?? null, newPhone, context);
      }
    }
    return [...touched];
  }

  private async retire(
    manager: EntityManager,
    workspaceId: string,
    contactId: string,
    field: IdentityField,
    value: string,
    replacedBy: string | null,
    reason: 'number_changed' | 'user_id_changed' | 'moved_to_contact',
    movedTo: string | null,
    context: { at: Date; source: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO contact_identity_history (workspace_id, contact_id, kind, value, replaced_by, reason, moved_to_contact_id, ended_at, source, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [workspaceId, contactId, field, value, replacedBy, reason, movedTo, context.at, context.source, this.clock.now()],
    );
  }

  private async recordFieldChange(
    manager: EntityManager,
    workspaceId: string,
    contactId: string,
    field: 'wa_id' | 'phone',
    oldValue: string | null,
    newValue: string | null,
    context: { at: Date; source: string; cause: string },
  ): Promise<boolean> {
    const id = await this.events.record(
      {
        workspaceId,
        contactId,
        type: 'contact.field_changed',
        source: 'contact',
        sourceId: `${contactId}:${field}:${context.source}`,
        occurredAt: context.at,
        payload: { field, oldValue, newValue, source: context.cause },
      },
      manager,
    );
    return id !== null;
  }
}
