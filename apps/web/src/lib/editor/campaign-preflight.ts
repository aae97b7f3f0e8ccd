import { z } from 'zod';
import { callEngine, type ClientAnswer } from './engine-client';

const estimateSchema = z.object({
  verdict: z.enum(['at_once', 'batched', 'over_limit']),
  atOnce: z.number(),
  spreadOverDay: z.number(),
  beyondLimit: z.number(),
  limitUsePercent: z.number().nullable(),
  atOnceSeconds: z.number(),
});

export const campaignPreflightSchema = z.union([
  z.object({ scheduled: z.literal(false) }),
  z.object({
    scheduled: z.literal(true),
    nextRunAt: z.string().nullable(),
    timeZone: z.string(),
    sendsMessages: z.boolean(),
    recipients: z.number(),
    newBusinessInitiated: z.number(),
    usedLast24h: z.number(),
    dailyLimit: z.number().nullable(),
    batchAbovePercent: z.number(),
    messagesPerSecond: z.number(),
    number: z.string().nullable(),
    estimate: estimateSchema,
  }),
]);
export type CampaignPreflight = z.infer<typeof campaignPreflightSchema>;
export type ScheduledPreflight = Extract<CampaignPreflight, { scheduled: true }>;

/** The engine's estimate of the draft's next scheduled run (what publishing would start). */
export function fetchCampaignPreflight(flowId: string): Promise<ClientAnswer<CampaignPreflight>> {
  return callEngine(`/api/flows/${encodeURIComponent(flowId)}/preflight`, campaignPreflightSchema);
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

function when(iso: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${format.format(new Date(iso))} (${timeZone})`;
}

/** The pre-flight in sentences a marketer reads before publishing: who, what the daily limit does, how fast. */
export function describePreflight(p: ScheduledPreflight): string[] {
  const lines = [
    p.nextRunAt
      ? `Next run: ${when(p.nextRunAt, p.timeZone)}, for ${count(p.recipients, 'contact', 'contacts')} as of now.`
      : `No run in the next year; today the audience has ${count(p.recipients, 'contact', 'contacts')}.`,
  ];
  if (p.recipients === 0) {
    lines.push('Nobody matches the audience now, so the run would send nothing. Check the tags and the list of the trigger.');
    return lines;
  }
  if (!p.sendsMessages) {
    lines.push('This flow sends no WhatsApp message, so the daily limit does not apply.');
    return lines;
  }
  const number = p.number ? ` for ${p.number}` : '';
  lines.push(
    p.dailyLimit === null
      ? `No daily limit applies${number}: nobody is held back.`
      : p.newBusinessInitiated === 0
        ? `All of them wrote in the last 24 hours, so none takes a place in the daily limit of ${count(p.dailyLimit, 'recipient', 'recipients')}${number}.`
        : `${count(p.newBusinessInitiated, 'contact has', 'contacts have')} not written in the last 24 hours, so each takes a place in the daily limit of ${count(p.dailyLimit, 'recipient', 'recipients')}${number} (${p.usedLast24h.toLocaleString('en')} used in the last 24 hours).`,
  );
  const e = p.estimate;
  const speed = `about ${duration(e.atOnceSeconds)} at ${p.messagesPerSecond} messages/s`;
  if (e.verdict === 'at_once') lines.push(`All ${count(e.atOnce, 'message goes', 'messages go')} out at once, in ${speed}.`);
  else {
    lines.push(`${count(e.atOnce, 'message goes', 'messages go')} out at once (${speed}).`);
    if (e.spreadOverDay > 0)
      lines.push(
        `${count(e.spreadOverDay, 'is', 'are')} spread over the next 24 hours: past ${p.batchAbovePercent} % of the daily limit, new recipients are sent in batches.`,
      );
    if (e.beyondLimit > 0)
      lines.push(
        `${count(e.beyondLimit, 'waits', 'wait')} beyond the limit, until earlier recipients leave the 24-hour window. Narrow the audience or raise the limit to reach them sooner.`,
      );
  }
  return lines;
}
