import { type CustomerMessage } from './customer-message';
import type { MediaFile } from './media-store';
import { META_ERRORS } from './meta-errors';
import type { SimulatedNumber } from './simulator-state';
import { webhookEnvelope, type WebhookChange } from './webhook-change';
import { unixSeconds } from './wire-ids';

export type { CustomerMessage } from './customer-message';

export interface InboundInput {
  number: SimulatedNumber;
  from: string;
  name: string;
  wamid: string;
  message: CustomerMessage;
  sentAt: Date;
  /** The sender's BSUID (business-scoped user id), when they have one. */
  userId?: string;
  /** The sender uses a username: `from` and `wa_id` are left out, only the BSUID identifies them. */
  hideNumber?: boolean;
  /** The file of a media message (its id, type and hash). */
  media?: MediaFile | null;
}

function context(number: SimulatedNumber, replyTo: string | undefined): Record<string, unknown> {
  return replyTo ? { context: { from: number.displayPhoneNumber, id: replyTo } } : {};
}

/** The type-specific part of a `messages[]` item, as Meta sends it. */
function messageBody(input: InboundInput): Record<string, unknown> {
  const { message, number } = input;
  switch (message.type) {
    case 'text':
      return {
        ...context(number, message.replyTo),
        type: 'text',
        text: { body: message.text },
        ...(message.referral
          ? {
              referral: {
                source_url: message.referral.sourceUrl,
                source_id: message.referral.sourceId,
                source_type: message.referral.sourceType ?? 'ad',
                ...(message.referral.headline ? { headline: message.referral.headline } : {}),
                ...(message.referral.body ? { body: message.referral.body } : {}),
                ...(message.referral.mediaType ? { media_type: message.referral.mediaType } : {}),
                ...(message.referral.imageUrl ? { image_url: message.referral.imageUrl } : {}),
                ...(message.referral.ctwaClid ? { ctwa_clid: message.referral.ctwaClid } : {}),
              },
            }
          : {}),
      };
    case 'button_reply':
      return {
        ...context(number, message.replyTo),
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: message.id, title: message.title } },
      };
    case 'list_reply':
      return {
        ...context(number, message.replyTo),
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: message.id, title: message.title, ...(message.description ? { description: message.description } : {}) },
        },
      };
    case 'quick_reply':
      return { ...context(number, message.replyTo), type: 'button', button: { payload: message.payload, text: message.text } };
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: message.latitude,
          longitude: message.longitude,
          ...(message.name ? { name: message.name } : {}),
          ...(message.address ? { address: message.address } : {}),
        },
      };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const file = input.media;
      return {
        type: message.type,
        [message.type]: {
          ...(message.caption && message.type !== 'audio' && message.type !== 'sticker' ? { caption: message.caption } : {}),
          ...(message.type === 'document' ? { filename: message.filename ?? file?.filename ?? 'document.pdf' } : {}),
          mime_type: file?.mimeType ?? 'application/octet-stream',
          sha256: file?.sha256 ?? '',
          id: file?.id ?? message.mediaId ?? '',
          ...(message.type === 'audio' ? { voice: message.voice ?? true } : {}),
          ...(message.type === 'sticker' ? { animated: message.animated ?? false } : {}),
        },
      };
    }
    case 'contacts':
      return {
        type: 'contacts',
        contacts: message.contacts.map((c) => {
          const [first, ...rest] = c.name.split(' ');
          return {
            name: { formatted_name: c.name, first_name: first ?? c.name, ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}) },
            phones: [{ phone: c.phone, type: 'CELL', ...(c.waId ? { wa_id: c.waId } : {}) }],
          };
        }),
      };
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: message.messageId, ...(message.emoji === '' ? {} : { emoji: message.emoji }) } };
    case 'unsupported':
      return {
        type: 'unsupported',
        unsupported: { type: 'unknown' },
        errors: [
          {
            code: META_ERRORS.unsupportedInbound.code,
            title: META_ERRORS.unsupportedInbound.title,
            message: META_ERRORS.unsupportedInbound.title,
            error_data: { details: META_ERRORS.unsupportedInbound.details },
          },
        ],
      };
    case 'user_changed_number':
      return {
        type: 'system',
        system: {
          body: `User ${input.name} changed from ${input.from} to ${message.newWaId}`,
          wa_id: message.newWaId,
          type: 'user_changed_number',
          ...(input.userId ? { user_id: input.userId } : {}),
        },
      };
    case 'edit': {
      // Meta sends the edited message whole: a text, or the media message with its new caption.
      const content = message.mediaType
        ? {
            type: message.mediaType,
            [message.mediaType]: { caption: message.text, mime_type: 'application/octet-stream', sha256: '', id: '' },
          }
        : { type: 'text', text: { body: message.text } };
      return { type: 'edit', edit: { original_message_id: message.originalWamid, message: content } };
    }
    case 'revoke':
      return { type: 'revoke', revoke: { original_message_id: message.originalWamid } };
  }
}

/** A `messages` change carrying one inbound customer message. */
export function inboundChange(input: InboundInput): WebhookChange {
  const hidden = input.hideNumber === true && input.userId !== undefined;
  const system = input.message.type === 'user_changed_number';
  const contact = {
    profile: { name: input.name },
    ...(hidden ? {} : { wa_id: input.from }),
    ...(input.userId ? { user_id: input.userId } : {}),
  };
  return {
    wabaId: input.number.wabaId,
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: input.number.displayPhoneNumber, phone_number_id: input.number.phoneNumberId },
      // A number change is a system notice, not a message from a profile.
      ...(system ? {} : { contacts: [contact] }),
      messages: [
        {
          ...(hidden ? {} : { from: input.from }),
          ...(input.userId ? { from_user_id: input.userId } : {}),
          id: input.wamid,
          timestamp: unixSeconds(input.sentAt),
          ...messageBody(input),
        },
      ],
    },
  };
}

/** A `messages` webhook carrying one inbound customer message, in Meta's payload shape. */
export function inboundPayload(input: InboundInput): Record<string, unknown> {
  return webhookEnvelope([inboundChange(input)]);
}

/** A `messages` webhook carrying one inbound text. */
export function inboundTextPayload(input: {
  number: SimulatedNumber;
  from: string;
  name: string;
  wamid: string;
  text: string;
  sentAt: Date;
}): Record<string, unknown> {
  return inboundPayload({ ...input, message: { type: 'text', text: input.text } });
}
