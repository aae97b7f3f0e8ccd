import { z } from 'zod';
import { inboundMessageSchema, type InboundMessageWire, toInboundMessage } from './inbound-message';
import { MESSAGE_CHANGE_TYPES, toMessageChange } from './message-change';
import { statusSchema, toStatusUpdate } from './message-status';
import type { WebhookItem, WebhookSender } from './webhook-item';
import { firstIssue, lenient, optionalString, recordOf, webhookError } from './webhook-wire';

/** The value of a `messages` change: inbound messages, statuses of ours, or errors. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z
    .array(
      z.looseObject({
        profile: z.looseObject({ name: z.string().optional() }).optional(),
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
      }),
    )
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});
type MessagesValue = z.infer<typeof messagesValueSchema>;

/** Enough of a `messages` value to still report its errors when the rest is unusable. */
const errorsOnlyValueSchema = z.looseObject({
  metadata: lenient(z.looseObject({ phone_number_id: optionalString })),
  errors: z.array(z.unknown()),
});

function senderFor(contacts: MessagesValue['contacts'], message: InboundMessageWire): WebhookSender {
  const match =
    contacts?.find(
      (c) =>
        (message.from !== undefined && c.wa_id === message.from) ||
        (message.from_user_id !== undefined && c.user_id === message.from_user_id),
    ) ?? (contacts?.length === 1 ? contacts[0] : undefined);
  return {
    waId: message.from ?? match?.wa_id ?? null,
    // A notice that the BSUID changed may name the customer only by the BSUID they had.
    userId: message.from_user_id ?? match?.user_id ?? message.system?.previous_user_id ?? null,
    profileName: match?.profile?.name ?? null,
  };
}

function errorItems(wabaId: string, phoneNumberId: string | null, raw: readonly unknown[] | undefined): WebhookItem[] {
  const items: WebhookItem[] = [];
  for (const entry of raw ?? []) {
    const error = webhookError(entry);
    items.push(
      error
        ? { kind: 'error', wabaId, phoneNumberId, ...error }
        : { kind: 'skipped', wabaId, field: 'errors', reason: 'error without a numeric code' },
    );
  }
  return items;
}

/** Every message, status and error of one `messages` change, in the order Meta listed them. */
export function parseMessagesChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const value = messagesValueSchema.safeParse(rawValue);
  if (!value.success) {
    const skipped: WebhookItem = { kind: 'skipped', wabaId, field, reason: firstIssue(value.error) };
    const errorsOnly = errorsOnlyValueSchema.safeParse(rawValue);
    if (!errorsOnly.success) return [skipped];
    const errors = errorItems(wabaId, errorsOnly.data.metadata?.phone_number_id ?? null, errorsOnly.data.errors);
    if (!errors.some((item) => item.kind === 'error')) return [skipped];
    // Messages or statuses that came along cannot be routed without metadata: say so rather than drop them quietly.
    const rest = recordOf(rawValue);
    return rest && ('messages' in rest || 'statuses' in rest) ? [...errors, skipped] : errors;
  }
  const items: WebhookItem[] = [];
  const { metadata, contacts } = value.data;
  for (const rawMessage of value.data.messages ?? []) {
    const parsed = inboundMessageSchema.safeParse(rawMessage);
    if (!parsed.success) {
      items.push({ kind: 'skipped', wabaId, field: 'messages', reason: `message ${firstIssue(parsed.error)}` });
      continue;
    }
    const sender = senderFor(contacts, parsed.data);
    if (sender.waId === null && sender.userId === null) {
      items.push({ kind: 'skipped', wabaId, field: 'messages', reason: `message ${parsed.data.id} has no sender` });
      continue;
    }
    const where = { wabaId, phoneNumberId: metadata.phone_number_id, displayPhoneNumber: metadata.display_phone_number ?? null, sender };
    if (MESSAGE_CHANGE_TYPES.includes(parsed.data.type)) {
      const change = toMessageChange(parsed.data, recordOf(rawMessage) ?? {});
      items.push(
        'problem' in change
          ? { kind: 'skipped', wabaId, field: 'messages', reason: change.problem }
          : { kind: 'message_change', ...where, change },
      );
      continue;
    }
    items.push({ kind: 'message', ...where, message: toInboundMessage(parsed.data, rawMessage) });
  }
  for (const rawStatus of value.data.statuses ?? []) {
    const parsed = statusSchema.safeParse(rawStatus);
    if (!parsed.success) {
      items.push({ kind: 'skipped', wabaId, field: 'statuses', reason: `status ${firstIssue(parsed.error)}` });
      continue;
    }
    items.push({ kind: 'status', wabaId, phoneNumberId: metadata.phone_number_id, status: toStatusUpdate(parsed.data, rawStatus) });
  }
  for (const item of errorItems(wabaId, metadata.phone_number_id, value.data.errors)) items.push(item);
  return items;
}
