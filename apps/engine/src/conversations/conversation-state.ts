import { windowClosesAt } from '../whatsapp/policy/customer-service-window';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** What the state machine decides about a conversation (the rest of the row is bookkeeping). */
export interface ConversationState {
  status: ConversationStatus;
  /** While snoozed: when it wakes by itself; null = at the customer's next message. */
  snoozedUntil: Date | null;
  assigneeUserId: string | null;
  /** Since when the customer has been waiting for a person's answer; null when nobody owes one. */
  waitingSince: Date | null;
  /** The customer's own last message: the 24 h window counts from it. */
  lastInboundAt: Date | null;
  lastActivityAt: Date;
  inboundCount: number;
  /** Inbound messages counted when it was last resolved: unread counts start after them. */
  resolvedInboundCount: number;
}

/** Something that happens to a conversation. */
export type ConversationEvent =
  /** The customer wrote. `automationActive`: no pause holds the contact, so the bot answers (pending) unless a person owns it. */
  | { kind: 'customer_message'; at: Date; automationActive: boolean; botFirst: boolean }
  | { kind: 'flow_message'; at: Date }
  | { kind: 'agent_message'; at: Date; userId: string }
  /** An agent takes a conversation from the bot (or from the queue): theirs, open. */
  | { kind: 'take_over'; at: Date; userId: string }
  /** A flow's "hand over to a human" step: a person must answer now. */
  | { kind: 'hand_over'; at: Date }
  | { kind: 'assign'; at: Date; userId: string | null }
  | { kind: 'set_status'; at: Date; status: 'open' | 'pending' | 'resolved' }
  | { kind: 'snooze'; at: Date; until: Date | null }
  /** Time passes: a snooze whose time has come wakes. */
  | { kind: 'tick'; at: Date };

/** What changed, so the caller can tell the live views and write the activity. */
export type ConversationChange = 'created' | 'status' | 'assignee' | 'waiting' | 'activity' | 'window';

export interface ConversationTransition {
  state: ConversationState;
  changes: ConversationChange[];
}

function later(a: Date | null, b: Date): Date {
  return a !== null && a.getTime() > b.getTime() ? a : b;
}

/** The status a customer's message leaves a conversation in that nobody is handling yet. */
function unattendedStatus(event: { automationActive: boolean; botFirst: boolean }): ConversationStatus {
  return event.automationActive && event.botFirst ? 'pending' : 'open';
}

function compare(before: ConversationState | null, after: ConversationState): ConversationChange[] {
  if (before === null) return ['created', 'status', 'activity', ...(after.assigneeUserId ? (['assignee'] as const) : []), 'window'];
  const changes: ConversationChange[] = [];
  if (before.status !== after.status || before.snoozedUntil?.getTime() !== after.snoozedUntil?.getTime()) changes.push('status');
  if (before.assigneeUserId !== after.assigneeUserId) changes.push('assignee');
  if (before.waitingSince?.getTime() !== after.waitingSince?.getTime()) changes.push('waiting');
  if (before.lastActivityAt.getTime() !== after.lastActivityAt.getTime() || before.inboundCount !== after.inboundCount)
    changes.push('activity');
  if (before.lastInboundAt?.getTime() !== after.lastInboundAt?.getTime()) changes.push('window');
  return changes;
}

/**
 * The conversation state machine, as one pure function.
 *
 * - A customer's message opens a new conversation, reopens a resolved one and
 *   wakes a snoozed one: `pending` (the bot owns it) when automation runs for
 *   the contact and the workspace lets the bot answer first, else `open`. It
 *   starts the wait for a person's answer and moves the 24 h window.
 * - An agent's message, a take-over and a flow's hand-over make it `open`;
 *   the agent's message and the take-over make it theirs when it was nobody's
 *   (take-over: theirs in any case). Only a person's message ends the wait.
 * - Assigning a pending conversation to a person opens it; resolving ends the
 *   wait and the snooze and marks everything so far as read.
 * - A snooze lasts until its time (a tick) or the customer's next message.
 */
export function nextConversationState(before: ConversationState | null, event: ConversationEvent): ConversationTransition {
  const base: ConversationState = before ?? {
    status: 'open',
    snoozedUntil: null,
    assigneeUserId: null,
    waitingSince: null,
    lastInboundAt: null,
    lastActivityAt: event.at,
    inboundCount: 0,
    resolvedInboundCount: 0,
  };
  const state: ConversationState = { ...base };
  switch (event.kind) {
    case 'customer_message': {
      const attended = before !== null && (before.status === 'open' || before.status === 'pending');
      if (!attended) {
        // New, resolved or snoozed: it needs someone again. A conversation a person holds stays with them.
        state.status = before?.status === 'snoozed' ? 'open' : unattendedStatus(event);
        state.snoozedUntil = null;
      }
      state.waitingSince = state.waitingSince ?? event.at;
      state.lastInboundAt = later(state.lastInboundAt, event.at);
      state.lastActivityAt = later(state.lastActivityAt, event.at);
      state.inboundCount += 1;
      break;
    }
    case 'flow_message':
      state.lastActivityAt = later(state.lastActivityAt, event.at);
      break;
    case 'agent_message':
      if (state.status !== 'open') {
        state.status = 'open';
        state.snoozedUntil = null;
      }
      state.assigneeUserId = state.assigneeUserId ?? event.userId;
      state.waitingSince = null;
      state.lastActivityAt = later(state.lastActivityAt, event.at);
      break;
    case 'take_over':
      state.status = 'open';
      state.snoozedUntil = null;
      state.assigneeUserId = event.userId;
      break;
    case 'hand_over':
      state.status = 'open';
      state.snoozedUntil = null;
      state.waitingSince = state.waitingSince ?? event.at;
      break;
    case 'assign':
      state.assigneeUserId = event.userId;
      if (event.userId !== null && state.status === 'pending') state.status = 'open';
      break;
    case 'set_status':
      state.status = event.status;
      state.snoozedUntil = null;
      if (event.status === 'resolved') {
        state.waitingSince = null;
        state.resolvedInboundCount = state.inboundCount;
      }
      break;
    case 'snooze':
      state.status = 'snoozed';
      state.snoozedUntil = event.until;
      break;
    case 'tick':
      if (state.status === 'snoozed' && state.snoozedUntil !== null && state.snoozedUntil.getTime() <= event.at.getTime()) {
        state.status = 'open';
        state.snoozedUntil = null;
      }
      break;
  }
  return { state, changes: compare(before, state) };
}

/** The customer service window as the console shows it: free-form replies allowed until `until`, or closed. */
export type WindowState = { open: true; until: Date } | { open: false; closedAt: Date | null };

/**
 * Whether an agent may write free text now, from the customer's last message
 * time, with the same margin as the policy gate (so the composer never offers
 * what the gate would refuse).
 */
export function windowState(lastInboundAt: Date | null, now: Date): WindowState {
  const closes = windowClosesAt(lastInboundAt);
  if (closes === null) return { open: false, closedAt: null };
  return now.getTime() < closes.getTime() ? { open: true, until: closes } : { open: false, closedAt: closes };
}

/** Unread inbound messages for one agent: those after what they read, and after the last resolution. */
export function unreadCount(state: Pick<ConversationState, 'inboundCount' | 'resolvedInboundCount'>, seenByAgent: number | null): number {
  return Math.max(0, state.inboundCount - Math.max(seenByAgent ?? 0, state.resolvedInboundCount));
}
