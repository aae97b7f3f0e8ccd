import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../../database/sql-rows';
import type { ConnectionRow } from '../connections/crm-connections.service';

/** The goals the issue sets: real-time sync ≥ 99 %, batch ≥ 95 % over the last 24 hours. */
export const HEALTH_GOALS = { realtime: 0.99, batch: 0.95 } as const;

const modeRow = z.object({
  mode: z.enum(['realtime', 'batch']),
  total: z.number(),
  ok: z.number(),
  lag_p50: z.number().nullable(),
  lag_p99: z.number().nullable(),
});
const outboxRow = z.object({ status: z.string(), count: z.number(), oldest: z.date().nullable() });
const failedRow = z.object({
  id: z.string(),
  contact_id: z.string(),
  contact_name: z.string().nullable(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  changed_at: z.date(),
  fields: z.array(z.string()),
});

export interface ModeHealth {
  calls: number;
  successRate: number | null;
  goal: number;
  belowGoal: boolean;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
}

/** Reads the health of a connection from its call log, outbox and last answers (read-only over the sync's tables). */
@Injectable()
export class CrmHealthService {
  constructor(private readonly dataSource: DataSource) {}

  async health(connection: ConnectionRow) {
    const modes = await sqlRows(
      this.dataSource,
      modeRow,
      `SELECT mode, count(*)::int AS total, count(*) FILTER (WHERE ok)::int AS ok,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) FILTER (WHERE lag_ms IS NOT NULL))::float8 AS lag_p50,
              (percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) FILTER (WHERE lag_ms IS NOT NULL))::float8 AS lag_p99
         FROM crm_calls WHERE connection_id = $1 AND mode <> 'test' AND at > now() - interval '24 hours' GROUP BY mode`,
      [connection.id],
    );
    const outbox = await sqlRows(
      this.dataSource,
      outboxRow,
      `SELECT status, count(*)::int AS count, min(created_at) AS oldest FROM crm_outbox
        WHERE connection_id = $1 AND status IN ('pending', 'running', 'failed') GROUP BY status`,
      [connection.id],
    );
    const failed = await sqlRows(
      this.dataSource,
      failedRow,
      `SELECT o.id::text AS id, o.contact_id, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS contact_name, o.attempts, o.last_error, o.changed_at,
              coalesce(ARRAY(SELECT jsonb_object_keys(o.payload->'fields')), '{}') AS fields
         FROM crm_outbox o JOIN contacts c ON c.id = o.contact_id
        WHERE o.connection_id = $1 AND o.status = 'failed' ORDER BY o.id DESC LIMIT 50`,
      [connection.id],
    );
    const mode = (name: 'realtime' | 'batch'): ModeHealth => {
      const row = modes.find((m) => m.mode === name);
      const rate = row && row.total > 0 ? row.ok / row.total : null;
      return {
        calls: row?.total ?? 0,
        successRate: rate,
        goal: HEALTH_GOALS[name],
        belowGoal: rate !== null && rate < HEALTH_GOALS[name],
        lagP50Ms: row?.lag_p50 ?? null,
        lagP99Ms: row?.lag_p99 ?? null,
      };
    };
    const count = (status: string) => outbox.find((o) => o.status === status)?.count ?? 0;
    const waiting = outbox.filter((o) => o.status !== 'failed').map((o) => o.oldest?.getTime() ?? Date.now());
    return {
      realtime: mode('realtime'),
      batch: mode('batch'),
      outbox: {
        pending: count('pending') + count('running'),
        failed: count('failed'),
        oldestPendingAgeMs: waiting.length > 0 ? Math.max(0, Date.now() - Math.min(...waiting)) : null,
      },
      lastError: connection.last_error,
      lastErrorAt: connection.last_error_at?.toISOString() ?? null,
      lastSuccessAt: connection.last_success_at?.toISOString() ?? null,
      lastPollAt: connection.last_poll_at?.toISOString() ?? null,
      cursorPhase: connection.cursor['phase'] === 'incremental' ? ('incremental' as const) : ('initial' as const),
      quota: connection.quota,
      failures: failed.map((f) => ({
        id: f.id,
        contactId: f.contact_id,
        contactName: f.contact_name,
        attempts: f.attempts,
        lastError: f.last_error,
        changedAt: f.changed_at.toISOString(),
        fields: f.fields,
      })),
    };
  }
}
