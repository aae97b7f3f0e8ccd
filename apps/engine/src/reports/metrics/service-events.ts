import { businessSeconds, type BusinessHours } from './business-hours';

/** What happened in a conversation, as the service metrics see it. */
export type ServiceItem =
  | { kind: 'customer'; at: Date }
  /** A flow's message: the bot answered, so nobody owes the customer a person's answer. */
  | { kind: 'bot'; at: Date }
  | { kind: 'agent'; at: Date; userId: string }
  /** A flow handed the conversation to people: a person owes an answer from now. */
  | { kind: 'handoff'; at: Date }
  /** Handed back to the bot. */
  | { kind: 'to_bot'; at: Date }
  | { kind: 'resolved'; at: Date; userId: string | null }
  | { kind: 'reopened'; at: Date; userId: string | null };

export type ServiceEventKind = 'opened' | 'first_response' | 'reply' | 'resolution';

export interface ServiceEvent {
  kind: ServiceEventKind;
  /** The care cycle: 0 for the first, +1 after each resolution. */
  cycle: number;
  at: Date;
  /** The agent credited: who replied, or who resolved. */
  userId: string | null;
  seconds: number;
  businessSeconds: number;
}

const ORDER: Record<ServiceItem['kind'], number> = {
  customer: 0,
  handoff: 1,
  to_bot: 2,
  bot: 3,
  agent: 4,
  resolved: 5,
  reopened: 6,
};

/**
 * The service metrics of one conversation (docs/REPORTS.md, "Service"):
 *
 * - A care cycle opens with the customer's first message after a resolution
 *   (or the first one ever), a hand-off, or a reopen; it closes when resolved.
 * - The customer waits from their first unanswered message. A bot's message
 *   answers them (bot replies never count as responses); a hand-off starts
 *   the wait afresh at the hand-off.
 * - Reply time: an agent's message while the customer waits, minus the start
 *   of the wait. The cycle's first one is also its first response time.
 * - Resolution time: resolution minus the cycle's opening, per cycle, so a
 *   reopened conversation never adds the time it spent resolved.
 *
 * A resolution resets every state but the cycle number, so the items after a
 * resolution (numbered from `firstCycle`) give the same events as the whole
 * history does for those cycles: the rollup resumes there.
 */
export function serviceEvents(items: readonly ServiceItem[], hours: BusinessHours, zone: string, firstCycle = 0): ServiceEvent[] {
  const sorted = [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.kind] - ORDER[b.kind]);
  const events: ServiceEvent[] = [];
  let cycle = firstCycle - 1;
  let openedAt: Date | null = null;
  let waitingSince: Date | null = null;
  let answered = false;
  const emit = (kind: ServiceEventKind, at: Date, userId: string | null, from: Date): void => {
    events.push({
      kind,
      cycle,
      at,
      userId,
      seconds: (at.getTime() - from.getTime()) / 1000,
      businessSeconds: businessSeconds(from, at, hours, zone),
    });
  };
  const open = (at: Date): void => {
    cycle += 1;
    openedAt = at;
    answered = false;
    emit('opened', at, null, at);
  };
  for (const item of sorted) {
    switch (item.kind) {
      case 'customer':
        if (openedAt === null) open(item.at);
        if (waitingSince === null) waitingSince = item.at;
        break;
      case 'bot':
      case 'to_bot':
        waitingSince = null;
        break;
      case 'handoff':
        if (openedAt === null) open(item.at);
        waitingSince = item.at;
        break;
      case 'agent':
        if (openedAt !== null && waitingSince !== null) {
          if (!answered) emit('first_response', item.at, item.userId, waitingSince);
          emit('reply', item.at, item.userId, waitingSince);
          answered = true;
        }
        waitingSince = null;
        break;
      case 'resolved':
        if (openedAt !== null) emit('resolution', item.at, item.userId, openedAt);
        openedAt = null;
        waitingSince = null;
        break;
      case 'reopened':
        if (openedAt === null) open(item.at);
        break;
    }
  }
  return events;
}
