import { z } from 'zod';
import { executionSummarySchema } from './execution-view';

export const explorerRowSchema = executionSummarySchema.extend({
  currentNodeId: z.string().nullable(),
  holdReason: z.string().nullable(),
  triggerEventId: z.string().nullable(),
});
export type ExplorerRow = z.infer<typeof explorerRowSchema>;

export const explorerPageSchema = z.object({ data: z.array(explorerRowSchema), nextCursor: z.string().nullable() });

const period = z.object({ runs: z.number(), failures: z.number(), failureRate: z.number().nullable() });
export const healthSchema = period.extend({
  from: z.string(),
  to: z.string(),
  previous: period,
  running: z.number(),
  waiting: z.number(),
  held: z.number(),
  stuck: z.number(),
  stuckAfterMinutes: z.number(),
  countCap: z.number(),
  capped: z.array(z.enum(['running', 'waiting', 'held', 'stuck'])),
  parkedWebhooks: z.array(z.object({ id: z.string(), receivedAt: z.string(), lastError: z.string().nullable(), attempts: z.number() })),
});
export type Health = z.infer<typeof healthSchema>;

/** GET /api/webhooks/parked: the workspace's own parked deliveries (admins). */
export const parkedWebhooksSchema = z.object({
  data: z.array(z.object({ id: z.string(), receivedAt: z.string(), lastError: z.string().nullable(), attempts: z.number() })),
});
export type ParkedWebhook = z.infer<typeof parkedWebhooksSchema>['data'][number];

export const savedViewSchema = z.object({ id: z.string(), name: z.string(), query: z.string(), createdAt: z.string() });
export const savedViewListSchema = z.object({ data: z.array(savedViewSchema) });

export const bulkPreviewSchema = z.object({ action: z.enum(['retry', 'cancel']), count: z.number(), excludedMatching: z.number() });
export const bulkJobSchema = z.object({
  id: z.string(),
  action: z.enum(['retry', 'cancel']),
  total: z.number(),
  processed: z.number(),
  succeeded: z.number(),
  skipped: z.number(),
  status: z.enum(['running', 'done']),
});

/** "1.2 s", "3 min 4 s", "2 h 5 min"; "—" before it ends. */
export function describeDuration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return '—';
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** "4.2%" or "—" when nothing ran. */
export function describeRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}
