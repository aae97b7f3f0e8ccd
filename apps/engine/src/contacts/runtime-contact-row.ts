import type { RuntimeContact } from '@parley/node-sdk';
import { z } from 'zod';
import type { SqlExecutor } from '../database/sql-rows';
import { sqlRow } from '../database/sql-rows';

/** A `contacts` row with its tags, as SQL returns it (other readers extend it). */
export const runtimeContactRow = z.object({
  id: z.string(),
  wa_id: z.string().nullable(),
  phone_e164: z.string().nullable(),
  display_name: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  time_zone: z.string().nullable(),
  locale: z.string().nullable(),
  list: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
  assigned_user_id: z.string().nullable(),
  created_at: z.date(),
  last_inbound_at: z.date().nullable(),
  marketing_consent: z.enum(['unknown', 'opted_in', 'opted_out']),
  transactional_consent: z.enum(['unknown', 'opted_in', 'opted_out']),
  tags: z.array(z.string()),
});

/** The columns of `runtimeContactRow`, for a statement that has the contact as `c`. */
export const RUNTIME_CONTACT_COLUMNS = `c.id, c.wa_id, c.phone_e164, c.display_name, c.first_name, c.last_name, c.email, c.time_zone, c.locale, c.list,
            c.fields, c.assigned_user_id, c.created_at, c.last_inbound_at, c.marketing_consent, c.transactional_consent,
            coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM contact_tags t WHERE t.contact_id = c.id), '{}') AS tags`;

/** The contact as flows see it, tags included; null when it is not in the workspace. */
export async function loadRuntimeContact(executor: SqlExecutor, workspaceId: string, contactId: string): Promise<RuntimeContact | null> {
  const row = await sqlRow(
    executor,
    runtimeContactRow,
    `SELECT ${RUNTIME_CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 AND c.workspace_id = $2`,
    [contactId, workspaceId],
  );
  return row ? toRuntimeContact(row) : null;
}

/** A `runtimeContactRow` as flows see it. */
export function toRuntimeContact(row: z.infer<typeof runtimeContactRow>): RuntimeContact {
  return {
    id: row.id,
    waId: row.wa_id,
    phoneE164: row.phone_e164,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    timeZone: row.time_zone,
    locale: row.locale,
    list: row.list,
    tags: row.tags,
    fields: row.fields,
    assignedUserId: row.assigned_user_id,
    createdAt: row.created_at,
    lastInboundAt: row.last_inbound_at,
    marketingConsent: row.marketing_consent,
    transactionalConsent: row.transactional_consent,
  };
}

/** The contact in the shape templates and conditions read (contact.first_name...). */
export function contactData(contact: RuntimeContact): Record<string, unknown> {
  return {
    id: contact.id,
    first_name: contact.firstName,
    last_name: contact.lastName,
    display_name: contact.displayName,
    phone: contact.phoneE164,
    email: contact.email,
    wa_id: contact.waId,
    time_zone: contact.timeZone,
    locale: contact.locale,
    list: contact.list,
    tags: [...contact.tags],
    created_at: contact.createdAt.toISOString(),
    last_inbound_at: contact.lastInboundAt?.toISOString() ?? null,
    marketing_consent: contact.marketingConsent,
    transactional_consent: contact.transactionalConsent,
    fields: { ...contact.fields },
  };
}
