import type { MessagingPolicy } from './messaging-policy';
import type { PolicyFacts, PolicySend } from './policy-facts';
import type { PolicyVerdict } from './policy-verdict';

/** One rule of the gate: null when the send passes it, else a block or a deferral. Pure: facts in, verdict out. */
export type PolicyRuleCheck = (send: PolicySend, facts: PolicyFacts, policy: MessagingPolicy) => PolicyVerdict | null;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
