import { type ContactFields, SYNCED_FIELDS, type SyncedField } from './crm-connector';

/**
 * Salesforce and Zoho CRM refuse a contact without a last name; one who gave
 * only a first name is stored with this placeholder, read back as "none".
 */
export const NO_LAST_NAME = '(WhatsApp)';

/** The CRM's field name for each of Parley's synced fields. */
export type RecordFieldNames = Record<SyncedField, string>;

/**
 * Parley's fields as a Salesforce / Zoho record body: only the fields given,
 * null clears a field (both CRMs take null), a missing last name becomes the
 * placeholder.
 */
export function toRecordBody(names: RecordFieldNames, fields: Partial<ContactFields>): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const field of SYNCED_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    body[names[field]] = field === 'lastName' ? (value ?? NO_LAST_NAME) : value;
  }
  return body;
}

/** A record's values (already picked from the CRM's fields) as Parley's: email in lower case, the placeholder as no last name. */
export function fromRecordValues(values: Record<SyncedField, string | null | undefined>): ContactFields {
  return {
    firstName: values.firstName ?? null,
    lastName: values.lastName === NO_LAST_NAME ? null : (values.lastName ?? null),
    email: values.email?.toLowerCase() ?? null,
    phone: values.phone ?? null,
  };
}
