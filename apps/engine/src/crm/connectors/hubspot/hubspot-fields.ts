import { type ContactFields, SYNCED_FIELDS, type SyncedField } from '../crm-connector';

/** Parley's contact fields and HubSpot's contact properties. */
export const HUBSPOT_CONTACT_PROPERTIES: Record<SyncedField, string> = {
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'email',
  phone: 'phone',
};

export const HUBSPOT_READ_PROPERTIES = [...Object.values(HUBSPOT_CONTACT_PROPERTIES), 'lastmodifieddate'];

export function toHubSpotProperties(fields: Partial<ContactFields>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const field of SYNCED_FIELDS) {
    const property = HUBSPOT_CONTACT_PROPERTIES[field];
    const value = fields[field];
    // HubSpot clears a property with an empty string.
    if (value !== undefined) properties[property] = value ?? '';
  }
  return properties;
}

export function fromHubSpotProperties(properties: Record<string, string | null | undefined>): ContactFields {
  const read = (name: string) => {
    const value = properties[name];
    return value === undefined || value === null || value === '' ? null : value;
  };
  return {
    firstName: read('firstname'),
    lastName: read('lastname'),
    email: read('email')?.toLowerCase() ?? null,
    phone: read('phone'),
  };
}
