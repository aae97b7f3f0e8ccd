import { type ConversationState, windowState } from './conversation-state';

/** A conversation's last message as the list shows it. */
export interface LastMessage {
  preview: string | null;
  direction: string | null;
  at: Date;
}

/**
 * The fields of a conversation's view (`ConversationView`) that a change
 * touched, in the view's own shape, so a live list can merge them into the
 * row it has. The assignee is left to the caller (it needs the person's name).
 */
export interface ConversationFields {
  status?: ConversationState['status'];
  snoozedUntil?: string | null;
  waitingSince?: string | null;
  lastActivityAt?: string;
  window?: { open: true; until: string } | { open: false; closedAt: string | null };
  inboundCount?: number;
  resolvedInboundCount?: number;
  lastMessage?: { preview: string | null; direction: string | null; at: string };
}

function same(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * What `conversation.updated` carries for a change from `before` to `after`
 * (null: only the last message changed): only what differs, everything for a
 * new conversation (`before` null). Pure; it replaced the whole conversation
 * row, which took a query with five joins inside every message's transaction
 * and was the largest event of the stream.
 */
export function changedConversationFields(
  change: { before: ConversationState | null; after: ConversationState } | null,
  lastMessage: LastMessage | null,
  now: Date,
): ConversationFields {
  const fields: ConversationFields = {};
  if (lastMessage)
    fields.lastMessage = { preview: lastMessage.preview, direction: lastMessage.direction, at: lastMessage.at.toISOString() };
  if (change === null) return fields;
  const { before, after } = change;
  if (before === null || before.status !== after.status || !same(before.snoozedUntil, after.snoozedUntil)) {
    fields.status = after.status;
    fields.snoozedUntil = after.snoozedUntil?.toISOString() ?? null;
  }
  if (before === null || !same(before.waitingSince, after.waitingSince)) fields.waitingSince = after.waitingSince?.toISOString() ?? null;
  if (before === null || !same(before.lastActivityAt, after.lastActivityAt)) fields.lastActivityAt = after.lastActivityAt.toISOString();
  if (before === null || !same(before.lastInboundAt, after.lastInboundAt)) {
    const window = windowState(after.lastInboundAt, now);
    fields.window = window.open
      ? { open: true, until: window.until.toISOString() }
      : { open: false, closedAt: window.closedAt?.toISOString() ?? null };
  }
  if (before === null || before.inboundCount !== after.inboundCount) fields.inboundCount = after.inboundCount;
  if (before === null || before.resolvedInboundCount !== after.resolvedInboundCount)
    fields.resolvedInboundCount = after.resolvedInboundCount;
  return fields;
}
