import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { toE164 } from './phone-number';

/** The list's filters, shared by the list, bulk actions and export. */
export const contactFilterSchema = z.object({
  search: z.string().trim().max(100).optional(),
  tag: z.string().trim().min(1).max(100).optional(),
  list: z.string().trim().min(1).max(100).optional(),
  consent: z.enum(['unknown', 'opted_in', 'opted_out']).optional().meta({ description: 'Marketing consent' }),
  leadSource: z.string().trim().min(1).max(100).optional(),
  lastInteraction: z
    .enum(['7d', '30d', '90d', 'older_90d', 'never'])
    .optional()
    .meta({ description: 'Last message from the customer: within 7/30/90 days, longer ago, or never' }),
  crm: z
    .enum(['linked', 'unlinked', 'hubspot', 'zoho', 'salesforce'])
    .optional()
    .meta({ description: 'Known to a CRM (any, a given one) or to none' }),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('IT')
    .meta({ description: 'How a searched number without + is read' }),
});
export type ContactFilter = z.infer<typeof contactFilterSchema>;

export const contactCursorSchema = z.object({ at: z.string().regex(/^\d{1,20}$/), id: z.uuid() });
export type ContactCursor = z.infer<typeof contactCursorSchema>;

export function encodeCursor(cursor: ContactCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The cursor a client sent back, or null when it is not one of ours. */
export function decodeCursor(text: string): ContactCursor | null {
  try {
    const parsed = contactCursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The calling code of a country (39 for IT), or null for an unknown country. */
function callingCode(country: string): string | null {
  return isSupportedCountry(country) ? getCountryCallingCode(country) : null;
}

/**
 * The WHERE clause (over `contacts c`, parameters from $2 on; $1 is the
 * workspace) for the filters. Searching: a valid number in any format finds
 * it exactly, digits find numbers starting with them; text with @ an email by
 * its start; other text the start of a first, last or WhatsApp name (two
 * words: first and last name). Every branch has an index.
 */
export function contactFilterSql(filter: ContactFilter, firstParam = 2): { where: string; params: unknown[] } {
  const clauses = ['c.workspace_id = $1', 'c.merged_into_id IS NULL'];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const search = filter.search?.trim();
  if (search) {
    const digits = search.replace(/[^\d]/g, '');
    const e164 = /^[+\d][\d\s().-]{5,}$/.test(search) ? toE164(search, filter.country) : null;
    if (e164) {
      clauses.push(`c.phone_e164 = ${param(e164)}`);
    } else if (/^[+\d][\d\s().-]*$/.test(search) && digits.length >= 3) {
      // Typed with its country code ("39333...", "+39 333") or as dialled at home ("333 12", "0612").
      const national = callingCode(filter.country);
      const starts = [`c.phone_e164 LIKE ${param(`+${digits.replace(/^00/, '')}%`)}`];
      if (national && !search.startsWith('+') && !search.startsWith('00')) {
        starts.push(`c.phone_e164 LIKE ${param(`+${national}${digits.replace(/^0(?=\d)/, filter.country === 'IT' ? '0' : '')}%`)}`);
      }
      clauses.push(`(${starts.join(' OR ')})`);
    } else if (search.includes('@')) {
      clauses.push(`lower(c.email) LIKE ${param(`${escapeLike(search.toLowerCase())}%`)}`);
    } else {
      const words = search.toLowerCase().split(/\s+/);
      const whole = param(`${escapeLike(search.toLowerCase())}%`);
      const alternatives = [`lower(c.display_name) LIKE ${whole}`, `lower(c.first_name) LIKE ${whole}`, `lower(c.last_name) LIKE ${whole}`];
      if (words.length >= 2) {
        const first = param(`${escapeLike(words[0] ?? '')}%`);
        const rest = param(`${escapeLike(words.slice(1).join(' '))}%`);
        alternatives.push(`(lower(c.first_name) LIKE ${first} AND lower(c.last_name) LIKE ${rest})`);
      }
      clauses.push(`(${alternatives.join(' OR ')})`);
    }
  }
  if (filter.tag) clauses.push(`EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ${param(filter.tag)})`);
  if (filter.list) clauses.push(`c.list = ${param(filter.list)}`);
  if (filter.consent) clauses.push(`c.marketing_consent = ${param(filter.consent)}`);
  if (filter.leadSource) clauses.push(`c.fields ->> 'lead_source' = ${param(filter.leadSource)}`);
  switch (filter.lastInteraction) {
    case '7d':
    case '30d':
    case '90d':
      clauses.push(`c.last_inbound_at >= now() - ${param(`${filter.lastInteraction.slice(0, -1)} days`)}::interval`);
      break;
    case 'older_90d':
      clauses.push(`c.last_inbound_at < now() - interval '90 days'`);
      break;
    case 'never':
      clauses.push('c.last_inbound_at IS NULL');
      break;
    case undefined:
      break;
  }
  switch (filter.crm) {
    case 'linked':
      clauses.push('EXISTS (SELECT 1 FROM contact_crm_ids x WHERE x.contact_id = c.id)');
      break;
    case 'unlinked':
      clauses.push('NOT EXISTS (SELECT 1 FROM contact_crm_ids x WHERE x.contact_id = c.id)');
      break;
    case 'hubspot':
    case 'zoho':
    case 'salesforce':
      clauses.push(`EXISTS (SELECT 1 FROM contact_crm_ids x WHERE x.contact_id = c.id AND x.system = ${param(filter.crm)})`);
      break;
    case undefined:
      break;
  }
  return { where: clauses.join(' AND '), params };
}

/** The cursor column: updated_at in microseconds since 1970 (exact, unlike a JavaScript Date). */
export const CURSOR_AT_SQL = `(extract(epoch from c.updated_at) * 1000000)::bigint::text`;
export const CURSOR_AFTER_SQL = (at: string, id: string) =>
  `(c.updated_at, c.id) < ('epoch'::timestamptz + ${at}::bigint * interval '1 microsecond', ${id}::uuid)`;
