import type { ConversationState } from './conversation-state';
import { changedConversationFields } from './conversation-update';

const now = new Date('2026-12-06T12:00:00Z');

function state(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    status: 'open',
    snoozedUntil: null,
    assigneeUserId: null,
    waitingSince: null,
    lastInboundAt: new Date('2026-12-06T10:00:00Z'),
    lastActivityAt: new Date('2026-12-06T10:00:00Z'),
    inboundCount: 3,
    resolvedInboundCount: 0,
    ...overrides,
  };
}

describe('changedConversationFields (what conversation.updated carries)', () => {
  it('carries only what a customer message changed, in the view’s shape', () => {
    const before = state();
    const at = new Date('2026-12-06T11:59:00Z');
    const after = state({ lastActivityAt: at, lastInboundAt: at, waitingSince: at, inboundCount: 4 });
    const fields = changedConversationFields({ before, after }, { preview: 'Hello', direction: 'inbound', at }, now);
    expect(fields).toEqual({
      waitingSince: at.toISOString(),
      lastActivityAt: at.toISOString(),
      window: { open: true, until: '2026-12-07T11:54:00.000Z' },
      inboundCount: 4,
      lastMessage: { preview: 'Hello', direction: 'inbound', at: at.toISOString() },
    });
  });

  it('names the status and the snooze end together when either changes', () => {
    const until = new Date('2026-12-07T09:00:00Z');
    const fields = changedConversationFields({ before: state(), after: state({ status: 'snoozed', snoozedUntil: until }) }, null, now);
    expect(fields).toEqual({ status: 'snoozed', snoozedUntil: until.toISOString() });
    const resolved = changedConversationFields(
      { before: state({ waitingSince: now }), after: state({ status: 'resolved', resolvedInboundCount: 3 }) },
      null,
      now,
    );
    expect(resolved).toEqual({ status: 'resolved', snoozedUntil: null, waitingSince: null, resolvedInboundCount: 3 });
  });

  it('gives every field of a new conversation, and a closed window as closed', () => {
    const old = new Date('2026-12-01T08:00:00Z');
    const fields = changedConversationFields(
      { before: null, after: state({ lastInboundAt: old, lastActivityAt: old, inboundCount: 1 }) },
      null,
      now,
    );
    expect(fields).toEqual({
      status: 'open',
      snoozedUntil: null,
      waitingSince: null,
      lastActivityAt: old.toISOString(),
      window: { open: false, closedAt: '2026-12-02T07:55:00.000Z' },
      inboundCount: 1,
      resolvedInboundCount: 0,
    });
  });

  it('carries nothing for no change, and only the last message when only that changed', () => {
    expect(changedConversationFields({ before: state(), after: state() }, null, now)).toEqual({});
    const at = new Date('2026-12-06T11:00:00Z');
    expect(changedConversationFields(null, { preview: 'Message deleted', direction: 'outbound', at }, now)).toEqual({
      lastMessage: { preview: 'Message deleted', direction: 'outbound', at: at.toISOString() },
    });
  });
});
