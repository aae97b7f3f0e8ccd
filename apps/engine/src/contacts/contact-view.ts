import type { RuntimeContact } from '@parley/node-sdk';

export function viewContact(contact: RuntimeContact) {
  return {
    id: contact.id,
    waId: contact.waId,
    phoneE164: contact.phoneE164,
    displayName: contact.displayName,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    timeZone: contact.timeZone,
    locale: contact.locale,
    list: contact.list,
    tags: contact.tags,
    fields: contact.fields,
    assignedUserId: contact.assignedUserId,
    lastInboundAt: contact.lastInboundAt?.toISOString() ?? null,
    consent: { marketing: contact.marketingConsent, transactional: contact.transactionalConsent },
    createdAt: contact.createdAt.toISOString(),
  };
}
