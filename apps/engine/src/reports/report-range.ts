import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import type { ReportQuery } from './report-queries.service';

const DAY_MS = 86_400_000;
/** The longest range a report answers (a year and a bit, for year-over-year views later). */
export const MAX_RANGE_DAYS = 400;

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Time range and filters every report takes. Without a range: the last 7 days. */
export const reportQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  numberId: z.uuid().optional(),
  flowId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  /** Contacts' tag: only their messages, runs, replies, conversions and conversations. */
  tag: z.string().trim().min(1).max(100).optional(),
});
export type ReportQueryParams = z.infer<typeof reportQuerySchema>;

/** The query a report runs for: the range checked (from before to, at most MAX_RANGE_DAYS), the caller's workspace. */
export function reportQuery(principal: Principal, params: ReportQueryParams, now: Date): ReportQuery {
  const to = params.to ?? now;
  const from = params.from ?? new Date(to.getTime() - 7 * DAY_MS);
  const issue = (path: string, message: string) =>
    new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${path}: ${message}`, issues: [{ path, message }] });
  if (from.getTime() >= to.getTime()) throw issue('from', 'must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw issue('from', `the range is at most ${MAX_RANGE_DAYS} days`);
  return {
    workspaceId: principal.workspaceId,
    from,
    to,
    numberId: params.numberId ?? null,
    flowId: params.flowId ?? null,
    agentId: params.agentId ?? null,
    tag: params.tag ?? null,
  };
}
