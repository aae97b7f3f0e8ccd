import { z } from 'zod';

export const BULK_ACTIONS = ['retry', 'cancel'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** A bulk action's job row as stored. */
export const bulkJobRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  request_key: z.string(),
  action: z.enum(BULK_ACTIONS),
  filter: z.record(z.string(), z.unknown()),
  excluded: z.array(z.string()),
  total: z.number(),
  processed: z.number(),
  succeeded: z.number(),
  skipped: z.number(),
  status: z.enum(['running', 'done']),
  on_version: z.enum(['same', 'latest']),
  created_by: z.string(),
  created_at: z.date(),
  finished_at: z.date().nullable(),
});
export type BulkJobRow = z.infer<typeof bulkJobRow>;

export const bulkJobView = z.object({
  id: z.uuid(),
  requestKey: z.string(),
  action: z.enum(BULK_ACTIONS),
  filter: z.record(z.string(), z.unknown()),
  excluded: z.array(z.uuid()),
  total: z.number().int(),
  processed: z.number().int(),
  succeeded: z.number().int(),
  skipped: z.number().int().meta({ description: 'Not acted on: no longer failed (or active), or the outcome is unknown after a crash' }),
  status: z.enum(['running', 'done']),
  onVersion: z.enum(['same', 'latest']).meta({ description: 'Retry: on each run’s own version, or on its flow’s published version now' }),
  createdBy: z.uuid(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

export function viewBulkJob(row: BulkJobRow): z.infer<typeof bulkJobView> {
  return {
    id: row.id,
    requestKey: row.request_key,
    action: row.action,
    filter: row.filter,
    excluded: row.excluded,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    skipped: row.skipped,
    status: row.status,
    onVersion: row.on_version,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The statuses a bulk action can act on: only failed runs are retried, only active ones cancelled. */
export function actionableStatuses(action: BulkAction): ('failed' | 'running' | 'waiting' | 'held')[] {
  return action === 'retry' ? ['failed'] : ['running', 'waiting', 'held'];
}
