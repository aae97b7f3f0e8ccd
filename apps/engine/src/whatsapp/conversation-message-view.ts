import { z } from 'zod';

/** One row of `messages` with its edits, as the conversation query returns it. */
export const conversationMessageRow = z.object({
  id: z.string(),
  wamid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  occurred_at: z.date(),
  status: z.string().nullable(),
  reply_to_wamid: z.string().nullable(),
  reacts_to_wamid: z.string().nullable(),
  reaction_emoji: z.string().nullable(),
  edited_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  edits: z.array(z.object({ text: z.string().nullable(), at: z.string() })),
});
export type ConversationMessageRow = z.infer<typeof conversationMessageRow>;

/** A message as the API shows it (see viewConversationMessage). */
export const conversationMessageView = z.object({
  id: z.string(),
  wamid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  occurredAt: z.string(),
  status: z.string().nullable(),
  replyToWamid: z.string().nullable(),
  reactsToWamid: z.string().nullable(),
  reactionEmoji: z.string().nullable(),
  editedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  edits: z.array(z.object({ text: z.string().nullable(), at: z.string() })),
});

/**
 * A message as the API shows it in a conversation: its current text, whether
 * and when it was edited (with each edit) or deleted, and what it replies or
 * reacts to. A deleted message shows no words at all, neither current nor
 * earlier: they are kept in the database for the audit only.
 */
export function viewConversationMessage(row: ConversationMessageRow): z.infer<typeof conversationMessageView> {
  const revoked = row.revoked_at !== null;
  return {
    id: row.id,
    wamid: row.wamid,
    direction: row.direction,
    type: row.type,
    text: revoked ? null : row.text,
    occurredAt: row.occurred_at.toISOString(),
    status: row.status,
    replyToWamid: row.reply_to_wamid,
    reactsToWamid: row.reacts_to_wamid,
    /** For a reaction: the emoji, null when the customer removed it. */
    reactionEmoji: row.reacts_to_wamid === null ? null : row.reaction_emoji,
    editedAt: row.edited_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    edits: revoked ? [] : row.edits.map((edit) => ({ text: edit.text, at: new Date(edit.at).toISOString() })),
  };
}
