/** What the engine knows before a scheduled send goes out: the audience and the number's limits. */
export interface CampaignFacts {
  /** Contacts the next run reaches. */
  recipients: number;
  /** Of those, contacts whose 24-hour window is closed and who were not already counted in the last 24 h: each one takes a place in the daily limit. */
  newBusinessInitiated: number;
  /** Unique recipients of business-initiated messages in the last 24 h. */
  usedLast24h: number;
  /** The daily limit of unique business-initiated recipients (null: unlimited). */
  dailyLimit: number | null;
  /** Above this share of the daily limit, new recipients are spread over the day. */
  batchAbovePercent: number;
  /** The number's throughput (Meta's default 80 messages/s). */
  messagesPerSecond: number;
}

export type CampaignVerdict = 'at_once' | 'batched' | 'over_limit';

export interface CampaignEstimate {
  verdict: CampaignVerdict;
  /** Messages that go out at once (the service-window contacts, and new recipients below the batching threshold). */
  atOnce: number;
  /** New recipients spread evenly over the next 24 h (between the batching threshold and the limit). */
  spreadOverDay: number;
  /** New recipients beyond the limit: they wait until earlier recipients leave the 24-hour window. */
  beyondLimit: number;
  /** The daily limit's use after this run, in percent (null: unlimited). */
  limitUsePercent: number | null;
  /** Seconds the at-once part takes at the number's throughput. */
  atOnceSeconds: number;
}

/**
 * The pacing the policy gate will apply to a scheduled run, worked out in
 * advance from the same rules (recipient budget, batching threshold, number
 * throughput), so a marketer sees it before publishing.
 */
export function estimateCampaign(facts: CampaignFacts): CampaignEstimate {
  const recipients = Math.max(0, facts.recipients);
  const fresh = Math.min(recipients, Math.max(0, facts.newBusinessInitiated));
  const free = recipients - fresh;
  if (facts.dailyLimit === null) {
    return {
      verdict: 'at_once',
      atOnce: recipients,
      spreadOverDay: 0,
      beyondLimit: 0,
      limitUsePercent: null,
      atOnceSeconds: seconds(recipients, facts.messagesPerSecond),
    };
  }
  const limit = Math.max(0, facts.dailyLimit);
  const used = Math.max(0, facts.usedLast24h);
  const threshold = Math.floor((limit * facts.batchAbovePercent) / 100);
  const belowThreshold = Math.min(fresh, Math.max(0, threshold - used));
  const spreadOverDay = Math.min(fresh - belowThreshold, Math.max(0, limit - Math.max(used, threshold)));
  const beyondLimit = fresh - belowThreshold - spreadOverDay;
  const atOnce = free + belowThreshold;
  return {
    verdict: beyondLimit > 0 ? 'over_limit' : spreadOverDay > 0 ? 'batched' : 'at_once',
    atOnce,
    spreadOverDay,
    beyondLimit,
    limitUsePercent: limit === 0 ? 100 : Math.round((Math.min(limit, used + fresh) / limit) * 1000) / 10,
    atOnceSeconds: seconds(atOnce, facts.messagesPerSecond),
  };
}

function seconds(messages: number, perSecond: number): number {
  return perSecond > 0 ? Math.ceil(messages / perSecond) : 0;
}
