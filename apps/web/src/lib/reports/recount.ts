import { z } from 'zod';

/** GET /api/reports/recount's recount (apps/engine/src/reports/report-recount.service.ts). */
export const recountSchema = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'finished']),
  requestedAt: z.string(),
  requestedBy: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  doneSteps: z.number(),
  totalSteps: z.number(),
});

export type Recount = z.infer<typeof recountSchema>;

export const recountStatusSchema = z.object({ recount: recountSchema.nullable() });
export const recountAnswerSchema = z.object({ recount: recountSchema, queued: z.boolean() });

/** "2026-12-06 19:10 UTC": the same on the server and in the browser (no locale, no zone guess). */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The sentence the screen shows for a recount, and its progress as a share (null when not running). */
export function describeRecount(recount: Recount | null): { text: string; share: number | null } {
  if (recount === null) return { text: 'Past figures have not been recounted from this screen yet.', share: null };
  const by = recount.requestedBy ? `, asked by ${recount.requestedBy}` : '';
  if (recount.state === 'queued')
    return { text: `Recount queued at ${utcMinute(recount.requestedAt)}${by}: waiting for the rollup job.`, share: 0 };
  if (recount.state === 'running') {
    const share = recount.totalSteps > 0 ? recount.doneSteps / recount.totalSteps : 0;
    return {
      text: `Recounting: ${recount.doneSteps} of ${recount.totalSteps} steps (${Math.floor(share * 100)}%). The figures change when it ends.`,
      share,
    };
  }
  const when = recount.finishedAt ? ` at ${utcMinute(recount.finishedAt)}` : '';
  return { text: `Past figures recounted${when} with the hours as they were then${by}.`, share: null };
}
