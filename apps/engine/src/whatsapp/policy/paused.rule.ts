import type { PolicyRuleCheck } from './policy-rule';
import { defer } from './policy-verdict';

/** A pause that began after the step started still holds the send (the runner holds runs before side effects). */
const RECHECK_MS = 15 * 60_000;

export const pausedRule: PolicyRuleCheck = (_send, facts) => {
  const pause = facts.pause;
  if (pause === null) return null;
  const until = pause.until ?? new Date(facts.now.getTime() + RECHECK_MS);
  return defer('paused', until, `Automation is paused for this contact (${pause.cause}).`, {
    cause: pause.cause,
    until: pause.until?.toISOString() ?? null,
  });
};
