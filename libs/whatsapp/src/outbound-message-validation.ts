import { validateInteractive } from './interactive-message-validation';
import {
  isRecord,
  optionalRecord,
  optionalText,
  OutboundFieldProblem,
  requireArray,
  requireMediaSource,
  requireRecord,
  requireText,
} from './outbound-field-problem';
import { validateTemplate } from './template-message-validation';

export type OutboundValidation = { ok: true } | { ok: false; field: string; message: string };

const MESSAGE_TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
]);
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
/** A wa_id or phone number: digits, optionally after a +, as Meta takes them in `to`. */
const PHONE = /^\+?\d{6,15}$/;
const CALLBACK_DATA_MAX_BYTES = 512;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** One emoji as a person sees it: one grapheme cluster (skin tones, ZWJ families and flags included). */
function isSingleEmoji(text: string): boolean {
  let count = 0;
  for (const _segment of graphemes.segment(text)) {
    if (++count > 1) return false;
  }
  return count === 1 && PICTOGRAPH.test(text);
}

function validateRecipient(body: Record<string, unknown>): void {
  const to = body['to'];
  if (to !== undefined) {
    if (typeof to !== 'string' || !PHONE.test(to)) throw new OutboundFieldProblem('to', 'must be 6–15 digits, optionally after a +');
    return;
  }
  if (body['recipient'] !== undefined) {
    requireText(body, 'recipient', '', { max: Number.POSITIVE_INFINITY });
    return;
  }
  throw new OutboundFieldProblem('to', 'is required (or a BSUID in recipient)');
}

function validateEnvelope(body: Record<string, unknown>): void {
  if (body['messaging_product'] !== undefined && body['messaging_product'] !== 'whatsapp') {
    throw new OutboundFieldProblem('messaging_product', 'must be "whatsapp"');
  }
  validateRecipient(body);
  const context = optionalRecord(body, 'context', '');
  if (context !== null) requireText(context, 'message_id', 'context', { max: Number.POSITIVE_INFINITY });
  const callbackData = optionalText(body, 'biz_opaque_callback_data', '', { max: Number.POSITIVE_INFINITY });
  if (callbackData !== null && Buffer.byteLength(callbackData, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
    throw new OutboundFieldProblem('biz_opaque_callback_data', `must be at most ${CALLBACK_DATA_MAX_BYTES} bytes`);
  }
}

function validateMedia(type: string, media: Record<string, unknown>): void {
  requireMediaSource(media, type);
  optionalText(media, 'caption', type, { max: 1024 });
  if (type === 'document') optionalText(media, 'filename', type, { max: 240 });
}

function validateLocation(location: Record<string, unknown>): void {
  const ranges: [string, number][] = [
    ['latitude', 90],
    ['longitude', 180],
  ];
  for (const [key, limit] of ranges) {
    const value = location[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
      throw new OutboundFieldProblem(`location.${key}`, `must be a number between -${limit} and ${limit}`);
    }
  }
  optionalText(location, 'name', 'location', { max: Number.POSITIVE_INFINITY });
  optionalText(location, 'address', 'location', { max: Number.POSITIVE_INFINITY });
}

function validateContacts(body: Record<string, unknown>): void {
  const cards = requireArray(body, 'contacts', '', { min: 1, max: Number.POSITIVE_INFINITY });
  cards.forEach((card, index) => {
    const path = `contacts[${index}]`;
    if (!isRecord(card)) throw new OutboundFieldProblem(path, 'must be an object');
    requireText(requireRecord(card, 'name', path), 'formatted_name', `${path}.name`, { max: Number.POSITIVE_INFINITY });
  });
}

function validateReaction(reaction: Record<string, unknown>): void {
  requireText(reaction, 'message_id', 'reaction', { max: Number.POSITIVE_INFINITY });
  const emoji = reaction['emoji'];
  if (typeof emoji !== 'string')
    throw new OutboundFieldProblem('reaction.emoji', emoji === undefined ? 'is required ("" removes the reaction)' : 'must be a string');
  // An empty emoji removes an earlier reaction.
  if (emoji !== '' && !isSingleEmoji(emoji))
    throw new OutboundFieldProblem('reaction.emoji', 'must be a single emoji, or "" to remove the reaction');
}

/**
 * Checks a `POST /{phone_number_id}/messages` body against Meta's documented
 * limits before it is sent, so a mistake in a flow is reported with the field
 * at fault instead of as a Graph error (or worse, a message cut short).
 */
export function validateOutboundMessage(body: Record<string, unknown>): OutboundValidation {
  try {
    validateEnvelope(body);
    const typeValue = body['type'] ?? 'text';
    if (typeof typeValue !== 'string' || !MESSAGE_TYPES.has(typeValue)) {
      throw new OutboundFieldProblem('type', `must be one of ${[...MESSAGE_TYPES].join(', ')}`);
    }
    const type = typeValue;
    if (type === 'contacts') {
      validateContacts(body);
      return { ok: true };
    }
    const content = requireRecord(body, type, '');
    if (type === 'text') {
      requireText(content, 'body', 'text', { max: 4096 });
      if (content['preview_url'] !== undefined && typeof content['preview_url'] !== 'boolean')
        throw new OutboundFieldProblem('text.preview_url', 'must be true or false');
    } else if (MEDIA_TYPES.has(type)) validateMedia(type, content);
    else if (type === 'location') validateLocation(content);
    else if (type === 'interactive') validateInteractive(content, 'interactive');
    else if (type === 'template') validateTemplate(content, 'template');
    else if (type === 'reaction') validateReaction(content);
    return { ok: true };
  } catch (error) {
    if (error instanceof OutboundFieldProblem) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
