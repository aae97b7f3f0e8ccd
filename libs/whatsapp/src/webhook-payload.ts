import { z } from 'zod';

/**
 * Webhook envelope. Only the shape needed to route items is required; unknown
 * fields are kept, because Meta adds fields without notice.
 */
export const webhookEnvelopeSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

const unixSeconds = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform((s) => new Date(Number(s) * 1000));

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

export const inboundMessageSchema = z.looseObject({
  id: z.string().min(1).max(256),
  from: z.string().min(1).optional(),
  from_user_id: z.string().min(1).optional(),
  timestamp: unixSeconds,
  type: z.string().min(1),
  text: z.looseObject({ body: z.string() }).optional(),
  button: z.looseObject({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  image: z.looseObject({ caption: z.string().optional() }).optional(),
  video: z.looseObject({ caption: z.string().optional() }).optional(),
  document: z.looseObject({ caption: z.string().optional() }).optional(),
});
type InboundMessageWire = z.infer<typeof inboundMessageSchema>;

export const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional(),
});

export interface InboundMessage {
  wamid: string;
  /** The sender's wa_id; absent when the user hides their number behind a username. */
  from: string | null;
  fromUserId: string | null;
  /** The message's own timestamp (not when we received it). */
  timestamp: Date;
  type: string;
  /** The words the customer sent, whatever the message type carried them in. */
  text: string | null;
  /** The reply button, list row or template quick-reply button the customer tapped. */
  reply: { id: string; title: string; kind: 'button' | 'list' } | null;
  location: { latitude: number; longitude: number } | null;
  raw: Record<string, unknown>;
}

export interface MessageStatusUpdate {
  wamid: string;
  status: string;
  timestamp: Date;
  recipientId: string | null;
  callbackData: string | null;
  errorCode: number | null;
  errorTitle: string | null;
  raw: Record<string, unknown>;
}

export interface WebhookSender {
  waId: string | null;
  userId: string | null;
  profileName: string | null;
}

export type WebhookItem =
  | {
      kind: 'message';
      wabaId: string;
      phoneNumberId: string;
      displayPhoneNumber: string | null;
      sender: WebhookSender;
      message: InboundMessage;
    }
  | { kind: 'status'; wabaId: string; phoneNumberId: string; status: MessageStatusUpdate }
  | { kind: 'skipped'; wabaId: string; field: string; reason: string };

function textOf(message: InboundMessageWire): string | null {
  return (
    message.text?.body ??
    message.interactive?.button_reply?.title ??
    message.interactive?.list_reply?.title ??
    message.button?.text ??
    message.image?.caption ??
    message.video?.caption ??
    message.document?.caption ??
    null
  );
}

function replyOf(message: InboundMessageWire): InboundMessage['reply'] {
  const button = message.interactive?.button_reply;
  if (button) return { id: button.id, title: button.title, kind: 'button' };
  const row = message.interactive?.list_reply;
  if (row) return { id: row.id, title: row.title, kind: 'list' };
  // A quick-reply button of a template carries its payload as the id.
  if (message.button) return { id: message.button.payload ?? message.button.text ?? '', title: message.button.text ?? '', kind: 'button' };
  return null;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}

function senderFor(
  contacts: z.infer<typeof messagesValueSchema>['contacts'],
  message: InboundMessageWire,
): WebhookSender {
  const match =
    contacts?.find((c) => (message.from !== undefined && c.wa_id === message.from) || (message.from_user_id !== undefined && c.user_id === message.from_user_id)) ??
    (contacts?.length === 1 ? contacts[0] : undefined);
  return {
    waId: message.from ?? match?.wa_id ?? null,
    userId: message.from_user_id ?? match?.user_id ?? null,
    profileName: match?.profile?.name ?? null,
  };
}

/**
 * Flattens a verified webhook into items, visiting every entry, change,
 * message and status (never only the first). Items that do not parse are
 * returned as `skipped` with the reason, so one bad item never hides the rest.
 */
export function parseWebhookItems(envelope: WebhookEnvelope): WebhookItem[] {
  const items: WebhookItem[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        items.push({ kind: 'skipped', wabaId: entry.id, field: change.field, reason: 'field not handled yet' });
        continue;
      }
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) {
        items.push({ kind: 'skipped', wabaId: entry.id, field: change.field, reason: firstIssue(value.error) });
        continue;
      }
      const { metadata, contacts } = value.data;
      for (const rawMessage of value.data.messages ?? []) {
        const parsed = inboundMessageSchema.safeParse(rawMessage);
        if (!parsed.success) {
          items.push({ kind: 'skipped', wabaId: entry.id, field: 'messages', reason: `message ${firstIssue(parsed.error)}` });
          continue;
        }
        const sender = senderFor(contacts, parsed.data);
        if (sender.waId === null && sender.userId === null) {
          items.push({ kind: 'skipped', wabaId: entry.id, field: 'messages', reason: `message ${parsed.data.id} has no sender` });
          continue;
        }
        items.push({
          kind: 'message',
          wabaId: entry.id,
          phoneNumberId: metadata.phone_number_id,
          displayPhoneNumber: metadata.display_phone_number ?? null,
          sender,
          message: {
            wamid: parsed.data.id,
            from: parsed.data.from ?? null,
            fromUserId: parsed.data.from_user_id ?? null,
            timestamp: parsed.data.timestamp,
            type: parsed.data.type,
            text: textOf(parsed.data),
            reply: replyOf(parsed.data),
            location: parsed.data.location ? { latitude: parsed.data.location.latitude, longitude: parsed.data.location.longitude } : null,
            raw: parsed.data,
          },
        });
      }
      for (const rawStatus of value.data.statuses ?? []) {
        const parsed = statusSchema.safeParse(rawStatus);
        if (!parsed.success) {
          items.push({ kind: 'skipped', wabaId: entry.id, field: 'statuses', reason: `status ${firstIssue(parsed.error)}` });
          continue;
        }
        const error = parsed.data.errors?.[0];
        items.push({
          kind: 'status',
          wabaId: entry.id,
          phoneNumberId: metadata.phone_number_id,
          status: {
            wamid: parsed.data.id,
            status: parsed.data.status,
            timestamp: parsed.data.timestamp,
            recipientId: parsed.data.recipient_id ?? null,
            callbackData: parsed.data.biz_opaque_callback_data ?? null,
            errorCode: error?.code ?? null,
            errorTitle: error?.title ?? error?.message ?? null,
            raw: parsed.data,
          },
        });
      }
    }
  }
  return items;
}
