import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { EventWriterService } from '../events/event-writer.service';
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
        await this.events.record(
          {
            workspaceId,
            contactId: row.id,
            type: 'contact.created',
            source: 'contact',
            sourceId: `${row.id}:created`,
            payload: { source },
          },
          manager,
        );
      }
      return row;
    };
    const created = outer ? await insert(outer) : await this.dataSource.transaction(insert);
    return { contactId: created.id, created: created.inserted };
  }
}
