import type { PolicyFacts } from './policy-facts';
import { DAY_MS } from './policy-rule';

/** A few minutes are kept in hand so a send never lands just after the window closes. */
const MARGIN_MS = 5 * 60_000;

/** Whether free-form messages may go: the customer wrote less than 24 h ago (by their message's own timestamp). */
export function windowOpen(facts: PolicyFacts): boolean {
  const closes = windowClosesAt(facts.contact.lastInboundAt);
  return closes !== null && facts.now.getTime() < closes.getTime();
}

/** When free-form messages stop being allowed after the customer's last message (null: they never wrote). */
export function windowClosesAt(lastInboundAt: Date | null): Date | null {
  return lastInboundAt === null ? null : new Date(lastInboundAt.getTime() + DAY_MS - MARGIN_MS);
}

export function windowReason(facts: PolicyFacts): string {
  const last = facts.contact.lastInboundAt;
  return last === null
    ? 'The customer has never written; only an approved template can start the conversation.'
    : `The customer last wrote at ${last.toISOString()}, more than 24 hours ago; only an approved template can be sent.`;
}
