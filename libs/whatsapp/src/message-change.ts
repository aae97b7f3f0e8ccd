import { z } from 'zod';
import type { InboundMessageWire } from './inbound-message';
import { lenient, optionalString } from './webhook-wire';

const captioned = lenient(z.looseObject({ caption: optionalString }));

/** The new content of an edited message: a text, or a media message whose caption changed. */
const editedContentSchema = z.looseObject({
  type: optionalString,
  text: lenient(z.looseObject({ body: z.string() })),
  image: captioned,
  video: captioned,
  document: captioned,
});

const editWireSchema = z.looseObject({
  original_message_id: z.string().min(1).max(256),
  message: lenient(editedContentSchema),
});

const revokeWireSchema = z.looseObject({ original_message_id: z.string().min(1).max(256) });

/**
 * A customer edited (`type: "edit"`) or deleted (`type: "revoke"`) a message
 * they sent earlier. Each change has a wamid of its own and names the message
 * it changes in `original_message_id`.
 */
export interface MessageChange {
  kind: 'edit' | 'revoke';
  /** The change's own id: a redelivery of the same change carries the same one. */
  wamid: string;
  /** The message that was edited or deleted. */
  originalWamid: string;
  timestamp: Date;
  /** An edit's new words (a text's body or a media message's caption); null for a removed caption and for a revoke. */
  text: string | null;
  /** The type of the edited message's content ("text", "image"...), when Meta says. */
  contentType: string | null;
  /** The message object exactly as Meta sent it. */
  raw: Record<string, unknown>;
}

/** Message types that change an earlier message instead of being one. */
export const MESSAGE_CHANGE_TYPES: readonly string[] = ['edit', 'revoke'];

/**
 * The change an `edit` or `revoke` item describes, or the reason it cannot be
 * applied (no original message id): such an item is reported, never dropped quietly.
 */
export function toMessageChange(message: InboundMessageWire, raw: Record<string, unknown>): MessageChange | { problem: string } {
  const base = { wamid: message.id, timestamp: message.timestamp, raw };
  if (message.type === 'revoke') {
    const revoke = revokeWireSchema.safeParse(raw['revoke']);
    if (!revoke.success) return { problem: `revoke ${message.id} names no original_message_id` };
    return { ...base, kind: 'revoke', originalWamid: revoke.data.original_message_id, text: null, contentType: null };
  }
  const edit = editWireSchema.safeParse(raw['edit']);
  if (!edit.success) return { problem: `edit ${message.id} names no original_message_id` };
  const content = edit.data.message;
  const text = content?.text?.body ?? content?.image?.caption ?? content?.video?.caption ?? content?.document?.caption ?? null;
  return { ...base, kind: 'edit', originalWamid: edit.data.original_message_id, text, contentType: content?.type ?? null };
}
