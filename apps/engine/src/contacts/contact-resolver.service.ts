import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { EventWriterService, type NewEvent } from '../events/event-writer.service';
import { toE164 } from './phone-number';

export interface ContactIdentity {
  waId?: string | null;
  phone?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  /** How numbers without "+" are read. */
  defaultCountry?: string;
}

export class UnidentifiedContactError extends Error {}

const idRow = z.object({ id: z.string() });
const keyedRow = z.object({ key: z.string(), id: z.string() });
const insertedRow = z.object({ id: z.string(), wa_id: z.string().nullable(), inserted: z.boolean() });

/** What `resolveMany` answers for each identity, in the order given. */
export type ResolvedIdentity = { contactId: string; created: boolean } | { error: UnidentifiedContactError };

interface NormalizedIdentity {
  waId: string | null;
  phone: string | null;
  email: string | null;
}
const upsertedRow = z.object({ id: z.string(), inserted: z.boolean() });

/**
 * Finds the contact behind an identity from a CRM, a shop or a webhook, by
 * WhatsApp id, then E.164 phone, then email, then a number the contact had
 * before it changed (a CRM keeps the old one for a while), and creates it
 * when it is new.
 */
@Injectable()
export class ContactResolverService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly clock: Clock,
  ) {}

  private normalize(identity: ContactIdentity): NormalizedIdentity | UnidentifiedContactError {
    const phone = identity.phone ? toE164(identity.phone, identity.defaultCountry ?? 'IT') : null;
    const waId = identity.waId?.replace(/\D/g, '') || (phone ? phone.slice(1) : null);
    const email = identity.email?.trim().toLowerCase() || null;
    if (!waId && !email) {
      return new UnidentifiedContactError(
        identity.phone ? `"${identity.phone}" is not a valid phone number` : 'the contact needs a phone number, a WhatsApp id or an email',
      );
    }
    return { waId, phone, email };
  }

  /**
   * `resolve` for a page of identities inside the caller's transaction, with
   * a few set-based statements instead of four lookups per identity: the
   * same contact for each as calling `resolve` on them one after another
   * (an identity finds a contact an earlier one of the page created).
   */
  async resolveMany(
    workspaceId: string,
    identities: readonly ContactIdentity[],
    source: string,
    manager: EntityManager,
  ): Promise<ResolvedIdentity[]> {
    const normalized = identities.map((identity) => this.normalize(identity));
    const valid = normalized.filter((n): n is NormalizedIdentity => !(n instanceof UnidentifiedContactError));
    const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
    const lookup = async (column: 'wa_id' | 'phone_e164' | 'email', values: string[]) => {
      const found = new Map<string, string>();
      if (values.length === 0) return found;
      // The oldest contact holding each value, as resolve's ORDER BY created_at LIMIT 1.
      const rows = await sqlRows(
        manager,
        keyedRow,
        `SELECT DISTINCT ON (${column}) ${column} AS key, coalesce(merged_into_id, id) AS id FROM contacts
          WHERE workspace_id = $1 AND ${column} = ANY($2::text[]) ORDER BY ${column}, created_at`,
        [workspaceId, values],
      );
      for (const row of rows) found.set(row.key, row.id);
      return found;
    };
    const byWaId = await lookup('wa_id', distinct(valid.map((n) => n.waId)));
    const byPhone = await lookup('phone_e164', distinct(valid.map((n) => n.phone)));
    // Email only for those no number found (contacts has no plain index on email, and resolve asks it last too).
    const byEmail = await lookup(
      'email',
      distinct(valid.filter((n) => !(n.waId && byWaId.has(n.waId)) && !(n.phone && byPhone.has(n.phone))).map((n) => n.email)),
    );
    const formerWaIds = distinct(valid.map((n) => n.waId));
    const byFormer = new Map<string, string>();
    if (formerWaIds.length > 0) {
      const rows = await sqlRows(
        manager,
        keyedRow,
        `SELECT DISTINCT ON (h.value) h.value AS key, h.contact_id AS id FROM contact_identity_history h JOIN contacts c ON c.id = h.contact_id
          WHERE h.workspace_id = $1 AND h.kind = 'wa_id' AND h.value = ANY($2::text[]) AND h.reason = 'number_changed'
          ORDER BY h.value, h.ended_at DESC`,
        [workspaceId, formerWaIds],
      );
      for (const row of rows) byFormer.set(row.key, row.id);
    }
    // In page order, as one resolve after another: a contact created for an earlier identity is found by a later one.
    const answers: (ResolvedIdentity | { create: string })[] = [];
    const creates: { id: string; identity: ContactIdentity; key: NormalizedIdentity }[] = [];
    normalized.forEach((n, index) => {
      if (n instanceof UnidentifiedContactError) {
        answers.push({ error: n });
        return;
      }
      const existing =
        (n.waId ? byWaId.get(n.waId) : undefined) ??
        (n.phone ? byPhone.get(n.phone) : undefined) ??
        (n.email ? byEmail.get(n.email) : undefined) ??
        (n.waId ? byFormer.get(n.waId) : undefined);
      if (existing !== undefined) {
        answers.push(creates.some((c) => c.id === existing) ? { create: existing } : { contactId: existing, created: false });
        return;
      }
      const id = randomUUID();
      creates.push({ id, identity: identities[index] ?? {}, key: n });
      // The newest contact: it is found by a value only when no older contact holds it.
      if (n.waId && !byWaId.has(n.waId)) byWaId.set(n.waId, id);
      if (n.phone && !byPhone.has(n.phone)) byPhone.set(n.phone, id);
      if (n.email && !byEmail.has(n.email)) byEmail.set(n.email, id);
      answers.push({ create: id });
    });
    const made = new Map<string, { id: string; inserted: boolean }>();
    if (creates.length > 0) {
      const now = this.clock.now();
      const rows = await sqlRows(
        manager,
        insertedRow,
        `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, email, first_name, last_name, display_name)
         SELECT v.id, $1, v.wa_id, v.phone, v.email, v.first_name, v.last_name, v.display_name
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             WITH ORDINALITY AS v(id, wa_id, phone, email, first_name, last_name, display_name, n)
          ORDER BY v.n
         ON CONFLICT (workspace_id, wa_id) WHERE wa_id IS NOT NULL DO UPDATE SET updated_at = $9
         RETURNING id, wa_id, (xmax = 0) AS inserted`,
        [
          workspaceId,
          creates.map((c) => c.id),
          creates.map((c) => c.key.waId),
          creates.map((c) => c.key.phone),
          creates.map((c) => c.key.email),
          creates.map((c) => c.identity.firstName ?? null),
          creates.map((c) => c.identity.lastName ?? null),
          creates.map((c) => c.identity.displayName ?? ([c.identity.firstName, c.identity.lastName].filter(Boolean).join(' ') || null)),
          now,
        ],
      );
      // A contact another writer made meanwhile with the same number is answered instead (as resolve's ON CONFLICT).
      const byReturnedWaId = new Map(rows.filter((r) => r.wa_id !== null).map((r) => [r.wa_id, r]));
      const byReturnedId = new Map(rows.map((r) => [r.id, r]));
      for (const create of creates) {
        const row = (create.key.waId ? byReturnedWaId.get(create.key.waId) : undefined) ?? byReturnedId.get(create.id);
        if (!row) throw new Error('contact insert returned nothing');
        made.set(create.id, { id: row.id, inserted: row.inserted });
      }
      // One statement for the page's contact.created events (one per contact this call made).
      await this.events.recordMany(
        [...made.values()].filter((row) => row.inserted).map((row) => contactCreatedEvent(workspaceId, row.id, source)),
        manager,
      );
    }
    const answered = new Set<string>();
    return answers.map((answer) => {
      if (!('create' in answer)) return answer;
      const row = made.get(answer.create);
      if (!row) throw new Error('a created contact is missing');
      // The first identity that made the contact "created" it; later ones of the page found it.
      const first = !answered.has(answer.create);
      answered.add(answer.create);
      return { contactId: row.id, created: first && row.inserted };
    });
  }

  /** Pass the caller's transaction manager so a contact made here is undone with the rest when the caller fails. */
  async resolve(
    workspaceId: string,
    identity: ContactIdentity,
    source: string,
    outer?: EntityManager,
  ): Promise<{ contactId: string; created: boolean }> {
    const phone = identity.phone ? toE164(identity.phone, identity.defaultCountry ?? 'IT') : null;
    const waId = identity.waId?.replace(/\D/g, '') || (phone ? phone.slice(1) : null);
    const email = identity.email?.trim().toLowerCase() || null;
    if (!waId && !email) {
      throw new UnidentifiedContactError(
        identity.phone ? `"${identity.phone}" is not a valid phone number` : 'the contact needs a phone number, a WhatsApp id or an email',
      );
    }
    const find = async (column: 'wa_id' | 'phone_e164' | 'email', value: string | null) =>
      value === null
        ? undefined
        : sqlRow(
            outer ?? this.dataSource,
            idRow,
            `SELECT coalesce(merged_into_id, id) AS id FROM contacts WHERE workspace_id = $1 AND ${column} = $2 ORDER BY created_at LIMIT 1`,
            [workspaceId, value],
          );
    const formerNumber = async () =>
      waId === null
        ? undefined
        : sqlRow(
            outer ?? this.dataSource,
            idRow,
            `SELECT h.contact_id AS id FROM contact_identity_history h JOIN contacts c ON c.id = h.contact_id
              WHERE h.workspace_id = $1 AND h.kind = 'wa_id' AND h.value = $2 AND h.reason = 'number_changed'
              ORDER BY h.ended_at DESC LIMIT 1`,
            [workspaceId, waId],
          );
    // A merged contact's number or email finds the contact it was merged into.
    const existing =
      (await find('wa_id', waId)) ?? (await find('phone_e164', phone)) ?? (await find('email', email)) ?? (await formerNumber());
    if (existing) return { contactId: existing.id, created: false };
    const insert = async (manager: EntityManager) => {
      const row = await sqlRow(
        manager,
        upsertedRow,
        `INSERT INTO contacts (workspace_id, wa_id, phone_e164, email, first_name, last_name, display_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workspace_id, wa_id) WHERE wa_id IS NOT NULL DO UPDATE SET updated_at = $8
         RETURNING id, (xmax = 0) AS inserted`,
        [
          workspaceId,
          waId,
          phone,
          email,
          identity.firstName ?? null,
          identity.lastName ?? null,
          identity.displayName ?? ([identity.firstName, identity.lastName].filter(Boolean).join(' ') || null),
          this.clock.now(),
        ],
      );
      if (!row) throw new Error('contact insert returned nothing');
      if (row.inserted) {
        await this.events.record(contactCreatedEvent(workspaceId, row.id, source), manager);
      }
      return row;
    };
    const created = outer ? await insert(outer) : await this.dataSource.transaction(insert);
    return { contactId: created.id, created: created.inserted };
  }
}

/** The event a contact's creation records; its source id makes a repeat of it a no-op. */
function contactCreatedEvent(workspaceId: string, contactId: string, source: string): NewEvent {
  return {
    workspaceId,
    contactId,
    type: 'contact.created',
    source: 'contact',
    sourceId: `${contactId}:created`,
    payload: { source },
  };
}
