import { z } from 'zod';
import {
  idSchema,
  lenient,
  optionalBoolean,
  optionalString,
  recordOf,
  unixSecondsSchema,
  type WebhookError,
  webhookErrors,
} from './webhook-wire';

const mediaWireSchema = z.looseObject({
  id: optionalString,
  mime_type: optionalString,
  sha256: optionalString,
  caption: optionalString,
  filename: optionalString,
  voice: optionalBoolean,
  animated: optionalBoolean,
});

/**
 * One `value.messages[]` item. Only what identifies the message is required;
 * every per-type object is read leniently, so a malformed or new sub-object
 * degrades to "absent" instead of dropping the customer's message.
 */
export const inboundMessageSchema = z.looseObject({
  id: z.string().min(1).max(256),
  from: z.string().min(1).optional(),
  from_user_id: z.string().min(1).optional(),
  timestamp: unixSecondsSchema,
  type: z.string().min(1),
  text: lenient(z.looseObject({ body: z.string() })),
  button: lenient(z.looseObject({ text: optionalString, payload: optionalString })),
  interactive: lenient(
    z.looseObject({
      type: z.string(),
      button_reply: lenient(z.looseObject({ id: z.string(), title: z.string() })),
      list_reply: lenient(z.looseObject({ id: z.string(), title: z.string(), description: optionalString })),
    }),
  ),
  location: lenient(
    z.looseObject({ latitude: z.number(), longitude: z.number(), name: optionalString, address: optionalString, url: optionalString }),
  ),
  image: lenient(mediaWireSchema),
  video: lenient(mediaWireSchema),
  audio: lenient(mediaWireSchema),
  document: lenient(mediaWireSchema),
  sticker: lenient(mediaWireSchema),
  contacts: lenient(z.array(z.unknown())),
  reaction: lenient(z.looseObject({ message_id: optionalString, emoji: optionalString })),
  referral: lenient(
    z.looseObject({
      source_url: optionalString,
      source_id: optionalString,
      source_type: optionalString,
      headline: optionalString,
      body: optionalString,
      media_type: optionalString,
      ctwa_clid: optionalString,
    }),
  ),
  context: lenient(
    z.looseObject({ from: optionalString, id: optionalString, forwarded: optionalBoolean, frequently_forwarded: optionalBoolean }),
  ),
  system: lenient(
    z.looseObject({
      body: optionalString,
      type: optionalString,
      wa_id: optionalString,
      new_wa_id: lenient(idSchema),
      user_id: optionalString,
      previous_user_id: optionalString,
    }),
  ),
  errors: lenient(z.array(z.unknown())),
});
export type InboundMessageWire = z.infer<typeof inboundMessageSchema>;

export type InboundMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

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
  location: { latitude: number; longitude: number; name: string | null; address: string | null; url: string | null } | null;
  /** The media id is valid for 7 days: download it (GET /{media-id}) soon if it is needed. */
  media: {
    kind: InboundMediaKind;
    id: string;
    mimeType: string | null;
    sha256: string | null;
    caption: string | null;
    filename: string | null;
    voice: boolean;
    animated: boolean;
  } | null;
  /** Contact cards the customer shared; [] for every other message. */
  contacts: { name: string; phones: string[] }[];
  /** A reaction to one of our messages; `emoji` is null when the customer removed it. */
  reaction: { messageId: string; emoji: string | null } | null;
  /** The click-to-WhatsApp ad or post the customer came from; may ride on any message type. */
  referral: {
    sourceUrl: string | null;
    sourceId: string | null;
    sourceType: string | null;
    headline: string | null;
    body: string | null;
    mediaType: string | null;
    ctwaClid: string | null;
  } | null;
  context: { messageId: string | null; from: string | null; forwarded: boolean; frequentlyForwarded: boolean } | null;
  /**
   * Meta's notices about the customer: `user_changed_number` (`newWaId` is the
   * new number; `from` the old one) and `user_changed_user_id` (`userId` is the
   * new BSUID, `previousUserId` the old one; a number change may carry both).
   */
  system: { kind: string; body: string | null; newWaId: string | null; userId: string | null; previousUserId: string | null } | null;
  errors: WebhookError[];
  /** A message type WhatsApp cannot deliver to the Cloud API (`unsupported`, formerly `unknown`). */
  unsupported: boolean;
  /** The message object exactly as Meta sent it. */
  raw: Record<string, unknown>;
}

const MEDIA_KINDS: readonly InboundMediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

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

function mediaOf(message: InboundMessageWire): InboundMessage['media'] {
  // The object named by `type` wins; a stray object of another media type is not this message's media.
  const kind = MEDIA_KINDS.find((candidate) => candidate === message.type);
  if (kind === undefined) return null;
  const media = message[kind];
  if (!media?.id) return null;
  return {
    kind,
    id: media.id,
    mimeType: media.mime_type ?? null,
    sha256: media.sha256 ?? null,
    caption: media.caption ?? null,
    filename: media.filename ?? null,
    voice: media.voice === true,
    animated: media.animated === true,
  };
}

const sharedContactSchema = z.looseObject({
  name: lenient(
    z.looseObject({ formatted_name: optionalString, first_name: optionalString, middle_name: optionalString, last_name: optionalString }),
  ),
  phones: lenient(z.array(z.unknown())),
});
const sharedPhoneSchema = z.looseObject({ phone: optionalString, wa_id: optionalString });

function contactsOf(message: InboundMessageWire): InboundMessage['contacts'] {
  if (message.type !== 'contacts' || !message.contacts) return [];
  const cards: InboundMessage['contacts'] = [];
  for (const entry of message.contacts) {
    const card = sharedContactSchema.safeParse(entry);
    if (!card.success) continue;
    const name = card.data.name;
    const parts = [name?.first_name, name?.middle_name, name?.last_name].filter(
      (part): part is string => typeof part === 'string' && part.length > 0,
    );
    const phones: string[] = [];
    for (const rawPhone of card.data.phones ?? []) {
      const phone = sharedPhoneSchema.safeParse(rawPhone);
      const number = phone.success ? (phone.data.phone ?? phone.data.wa_id) : undefined;
      if (number) phones.push(number);
    }
    cards.push({ name: name?.formatted_name ?? parts.join(' '), phones });
  }
  return cards;
}

function reactionOf(message: InboundMessageWire): InboundMessage['reaction'] {
  const reaction = message.reaction;
  if (!reaction?.message_id) return null;
  // An empty (or missing) emoji is how Meta reports a removed reaction.
  return { messageId: reaction.message_id, emoji: reaction.emoji ? reaction.emoji : null };
}

function referralOf(message: InboundMessageWire): InboundMessage['referral'] {
  const referral = message.referral;
  if (!referral) return null;
  return {
    sourceUrl: referral.source_url ?? null,
    sourceId: referral.source_id ?? null,
    sourceType: referral.source_type ?? null,
    headline: referral.headline ?? null,
    body: referral.body ?? null,
    mediaType: referral.media_type ?? null,
    ctwaClid: referral.ctwa_clid ?? null,
  };
}

function contextOf(message: InboundMessageWire): InboundMessage['context'] {
  const context = message.context;
  if (!context) return null;
  return {
    messageId: context.id ?? null,
    from: context.from ?? null,
    forwarded: context.forwarded === true,
    frequentlyForwarded: context.frequently_forwarded === true,
  };
}

function systemOf(message: InboundMessageWire): InboundMessage['system'] {
  const system = message.system;
  if (!system) return null;
  // Meta's current reference puts the new number in `wa_id`; `new_wa_id` is the field of older API versions.
  return {
    kind: system.type ?? 'unknown',
    body: system.body ?? null,
    newWaId: system.wa_id ?? system.new_wa_id ?? null,
    userId: system.user_id ?? null,
    previousUserId: system.previous_user_id ?? null,
  };
}

/** The engine's view of one parsed `messages[]` item; `raw` is the object as received. */
export function toInboundMessage(message: InboundMessageWire, raw: unknown): InboundMessage {
  return {
    wamid: message.id,
    from: message.from ?? null,
    fromUserId: message.from_user_id ?? null,
    timestamp: message.timestamp,
    type: message.type,
    text: textOf(message),
    reply: replyOf(message),
    location: message.location
      ? {
          latitude: message.location.latitude,
          longitude: message.location.longitude,
          name: message.location.name ?? null,
          address: message.location.address ?? null,
          url: message.location.url ?? null,
        }
      : null,
    media: mediaOf(message),
    contacts: contactsOf(message),
    reaction: reactionOf(message),
    referral: referralOf(message),
    context: contextOf(message),
    system: systemOf(message),
    errors: webhookErrors(message.errors),
    unsupported: message.type === 'unsupported' || message.type === 'unknown',
    raw: recordOf(raw) ?? {},
  };
}
