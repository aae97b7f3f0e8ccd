import { type ConversationState, nextConversationState, unreadCount, windowState } from './conversation-state';

const T0 = new Date('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function state(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    status: 'open',
    snoozedUntil: null,
    assigneeUserId: null,
    waitingSince: null,
    lastInboundAt: null,
    lastActivityAt: T0,
    inboundCount: 0,
    resolvedInboundCount: 0,
    ...overrides,
  };
}

const customer = (minutes: number, automationActive = true, botFirst = true) =>
  ({ kind: 'customer_message', at: at(minutes), automationActive, botFirst }) as const;

describe('conversation state machine', () => {
  it('starts a new conversation pending (the bot answers) when automation runs, open when a person holds the contact', () => {
    const bot = nextConversationState(null, customer(0));
    expect(bot.state).toMatchObject({ status: 'pending', waitingSince: T0, lastInboundAt: T0, inboundCount: 1 });
    expect(bot.changes).toContain('created');
    expect(nextConversationState(null, customer(0, false)).state.status).toBe('open');
    expect(nextConversationState(null, customer(0, true, false)).state.status).toBe('open');
  });

  it('reopens a resolved conversation at the customer’s next message, back to the bot when automation runs', () => {
    const resolved = state({ status: 'resolved', assigneeUserId: 'anna', inboundCount: 3, resolvedInboundCount: 3 });
    const reopened = nextConversationState(resolved, customer(5));
    expect(reopened.state).toMatchObject({ status: 'pending', assigneeUserId: 'anna', waitingSince: at(5), inboundCount: 4 });
    expect(reopened.changes).toEqual(expect.arrayContaining(['status', 'waiting', 'activity', 'window']));
    expect(nextConversationState(resolved, customer(5, false)).state.status).toBe('open');
  });

  it('wakes a snoozed conversation at the customer’s next message, or when its time comes', () => {
    const untilNextMessage = state({ status: 'snoozed', snoozedUntil: null });
    expect(nextConversationState(untilNextMessage, { kind: 'tick', at: at(600) }).changes).toEqual([]);
    expect(nextConversationState(untilNextMessage, customer(1)).state).toMatchObject({ status: 'open', snoozedUntil: null });

    const untilNoon = state({ status: 'snoozed', snoozedUntil: at(120) });
    expect(nextConversationState(untilNoon, { kind: 'tick', at: at(119) }).state.status).toBe('snoozed');
    const woken = nextConversationState(untilNoon, { kind: 'tick', at: at(120) });
    expect(woken.state).toMatchObject({ status: 'open', snoozedUntil: null });
    expect(woken.changes).toEqual(['status']);
  });

  it('takes a pending conversation over: assigned to the agent and open', () => {
    const pending = state({ status: 'pending', waitingSince: T0 });
    const taken = nextConversationState(pending, { kind: 'take_over', at: at(1), userId: 'anna' });
    expect(taken.state).toMatchObject({ status: 'open', assigneeUserId: 'anna', waitingSince: T0 });
    expect(taken.changes).toEqual(['status', 'assignee']);
  });

  it('opens a pending conversation on a flow’s hand-over, and when a person is assigned', () => {
    const pending = state({ status: 'pending' });
    expect(nextConversationState(pending, { kind: 'hand_over', at: at(1) }).state).toMatchObject({ status: 'open', waitingSince: at(1) });
    expect(nextConversationState(pending, { kind: 'assign', at: at(1), userId: 'anna' }).state.status).toBe('open');
    expect(nextConversationState(pending, { kind: 'assign', at: at(1), userId: null }).state.status).toBe('pending');
  });

  it('makes an unowned conversation the replying agent’s, and ends the wait only for a person’s reply', () => {
    const waiting = state({ status: 'pending', waitingSince: T0 });
    expect(nextConversationState(waiting, { kind: 'flow_message', at: at(1) }).state).toMatchObject({
      status: 'pending',
      waitingSince: T0,
    });
    const replied = nextConversationState(waiting, { kind: 'agent_message', at: at(2), userId: 'anna' });
    expect(replied.state).toMatchObject({ status: 'open', assigneeUserId: 'anna', waitingSince: null, lastActivityAt: at(2) });
    const someoneElses = nextConversationState(state({ assigneeUserId: 'bruno' }), { kind: 'agent_message', at: at(2), userId: 'anna' });
    expect(someoneElses.state.assigneeUserId).toBe('bruno');
  });

  it('keeps the wait from the first unanswered message and the window from the latest', () => {
    const first = nextConversationState(state(), customer(0)).state;
    const second = nextConversationState(first, customer(10)).state;
    expect(second).toMatchObject({ waitingSince: T0, lastInboundAt: at(10), inboundCount: 2 });
    // A late webhook for an older message never moves the window back.
    expect(nextConversationState(second, customer(5)).state.lastInboundAt).toEqual(at(10));
  });

  it('resolving ends the wait and the snooze and counts everything so far as read', () => {
    const resolved = nextConversationState(state({ status: 'snoozed', snoozedUntil: at(60), waitingSince: T0, inboundCount: 4 }), {
      kind: 'set_status',
      at: at(1),
      status: 'resolved',
    }).state;
    expect(resolved).toMatchObject({ status: 'resolved', snoozedUntil: null, waitingSince: null, resolvedInboundCount: 4 });
    expect(unreadCount(resolved, null)).toBe(0);
    expect(unreadCount({ ...resolved, inboundCount: 6 }, 5)).toBe(1);
    expect(unreadCount({ ...resolved, inboundCount: 6 }, null)).toBe(2);
  });

  it('computes the window from the customer’s last message time, with the policy gate’s margin', () => {
    expect(windowState(null, T0)).toEqual({ open: false, closedAt: null });
    const open = windowState(T0, at(60));
    expect(open).toEqual({ open: true, until: new Date(T0.getTime() + 24 * 3_600_000 - 5 * 60_000) });
    expect(windowState(T0, at(24 * 60 - 5))).toEqual({ open: false, closedAt: at(24 * 60 - 5) });
    expect(windowState(T0, at(24 * 60 - 6)).open).toBe(true);
  });
});
