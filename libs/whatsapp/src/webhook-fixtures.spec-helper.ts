import { toAsciiJson } from './ascii-json';
import { parseWebhookItems, webhookEnvelopeSchema, type WebhookItem } from './webhook-payload';

/** Payload shapes as in Meta's webhook reference pages (ids and numbers are the reference's examples). */
export const WABA_ID = '102290129340398';
export const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
export const CUSTOMER = '16505551234';
export const CONTACTS = [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER }];

export function change(field: string, value: unknown): { field: string; value: unknown } {
  return { field, value };
}

export function webhook(...changes: { field: string; value: unknown }[]): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes }] };
}

export function messagesValue(parts: {
  messages?: unknown[];
  statuses?: unknown[];
  errors?: unknown[];
  contacts?: unknown[] | null;
}): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: METADATA,
    ...(parts.contacts === null ? {} : { contacts: parts.contacts ?? CONTACTS }),
    ...(parts.messages ? { messages: parts.messages } : {}),
    ...(parts.statuses ? { statuses: parts.statuses } : {}),
    ...(parts.errors ? { errors: parts.errors } : {}),
  };
}

/** Through the same steps as a delivery: Meta's ASCII-escaped bytes, JSON.parse, the envelope schema, the parser. */
export function deliver(payload: unknown): WebhookItem[] {
  const bytes = Buffer.from(toAsciiJson(payload));
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  return parseWebhookItems(webhookEnvelopeSchema.parse(parsed));
}

export function inbound(message: Record<string, unknown>, contacts?: unknown[] | null): WebhookItem[] {
  return deliver(webhook(change('messages', messagesValue({ messages: [message], contacts }))));
}

/** The one inbound message of a delivery, or a failure naming what came instead. */
export function onlyMessage(items: WebhookItem[]): Extract<WebhookItem, { kind: 'message' }> {
  const [item, ...rest] = items;
  if (item?.kind !== 'message' || rest.length > 0) throw new Error(`expected one message item, got ${JSON.stringify(items)}`);
  return item;
}
