import type { RuntimeContact } from '@parley/node-sdk';
import { z } from 'zod';

const consent = z.enum(['unknown', 'opted_in', 'opted_out']);

export const contactViewSchema = z.object({
  id: z.uuid(),
  waId: z.string().nullable(),
  phoneE164: z.string().nullable(),
  displayName: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  timeZone: z.string().nullable(),
  locale: z.string().nullable(),
  list: z.string().nullable(),
  tags: z.array(z.string()),
  fields: z.record(z.string(), z.unknown()),
  assignedUserId: z.string().nullable(),
  lastInboundAt: z.iso.datetime().nullable(),
  consent: z.object({ marketing: consent, transactional: consent }),
  createdAt: z.iso.datetime(),
});

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
    tags: [...contact.tags],
    fields: { ...contact.fields },
    assignedUserId: contact.assignedUserId,
    lastInboundAt: contact.lastInboundAt?.toISOString() ?? null,
    consent: { marketing: contact.marketingConsent, transactional: contact.transactionalConsent },
    createdAt: contact.createdAt.toISOString(),
  };
}
