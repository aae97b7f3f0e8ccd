import type { PolicyFacts } from './policy-facts';
import { DAY_MS } from './policy-rule';

/** A few minutes are kept in hand so a send never lands just after the window closes. */
const MARGIN_MS = 5 * 60_000;

/** Whether free-form messages may go: the customer wrote less than 24 h ago (by their message's own timestamp). */
export function windowOpen(facts: PolicyFacts): boolean {
  const last = facts.contact.lastInboundAt;
  return last !== null && facts.now.getTime() - last.getTime() < DAY_MS - MARGIN_MS;
}

export function windowReason(facts: PolicyFacts): string {
  const last = facts.contact.lastInboundAt;
  return last === null
    ? 'The customer has never written; only an approved template can start the conversation.'
    : `The customer last wrote at ${last.toISOString()}, more than 24 hours ago; only an approved template can be sent.`;
}
