/** Ended reasons that only repeat the status ("succeeded (completed)", "failed (failed)"). */
const SAID_BY_STATUS = new Set(['completed', 'failed', 'succeeded']);

/** "succeeded", "cancelled (archived)", "skipped (once_per_contact)": the reason only when it adds something. */
export function describeStatus(status: string, endedReason: string | null): string {
  return endedReason && !SAID_BY_STATUS.has(endedReason) && endedReason !== status ? `${status} (${endedReason})` : status;
}
