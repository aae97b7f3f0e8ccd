import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { sqlRows } from '../database/sql-rows';

/** A recount as the business-hours screen shows it. */
export interface RecountView {
  id: string;
  /** queued: waiting for the rollup job; running: its rebuild is under way; finished: past figures recounted. */
  state: 'queued' | 'running' | 'finished';
  requestedAt: string;
  requestedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  doneSteps: number;
  totalSteps: number;
}

const recountRow = z.object({
  id: z.string(),
  requested_at: z.date(),
  requested_by: z.string().nullable(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  done_steps: z.number(),
  total_steps: z.number(),
  pending: z.boolean(),
});

/**
 * Recounts asked for by people (report_recounts, owned here): a request
 * queues a rebuild of the workspace's rollups (a `rebuild` change the rollup
 * job takes), audited; the rebuild reports its progress and its end here.
 */
@Injectable()
export class ReportRecountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Queues a recount, or answers the one already waiting or running (asking twice does not rebuild twice). */
  async request(workspaceId: string, userId: string | null): Promise<{ recount: RecountView; queued: boolean }> {
    const queued = await this.dataSource.transaction(async (manager) => {
      // One request at a time per workspace: a second one waits here and then sees the first.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`report_recount:${workspaceId}`]);
      const open = await this.latest(workspaceId, manager);
      if (open && open.state !== 'finished') return false;
      const inserted = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        'INSERT INTO report_recounts (workspace_id, requested_by) VALUES ($1, $2) RETURNING id',
        [workspaceId, userId],
      );
      await manager.query(`INSERT INTO report_changes (workspace_id, kind) VALUES ($1, 'rebuild')`, [workspaceId]);
      await this.audit.record(
        {
          workspaceId,
          actorUserId: userId,
          action: 'reports.recount_requested',
          subjectType: 'workspace',
          subjectId: workspaceId,
          details: { recountId: inserted[0]?.id ?? null },
        },
        manager,
      );
      return true;
    });
    const recount = await this.latest(workspaceId);
    if (!recount) throw new Error('recount vanished after it was queued');
    return { recount, queued };
  }

  /**
   * The workspace's latest recount. Not finished while a rebuild change is
   * waiting or the rebuild that answers it is under way (its slices); one whose rebuild committed but whose end was not written (a
   * crash in between) shows as finished without a time.
   */
  async latest(workspaceId: string, manager: EntityManager = this.dataSource.manager): Promise<RecountView | null> {
    const rows = await sqlRows(
      manager,
      recountRow,
      `SELECT r.id, r.requested_at, coalesce(nullif(u.display_name, ''), u.email) AS requested_by, r.started_at, r.finished_at,
              r.done_steps, r.total_steps,
              r.finished_at IS NULL AND (EXISTS (SELECT 1 FROM report_changes c WHERE c.workspace_id = r.workspace_id AND c.kind = 'rebuild')
                OR EXISTS (SELECT 1 FROM report_rebuilds b WHERE b.workspace_id = r.workspace_id AND r.id = ANY (b.recount_ids))) AS pending
         FROM report_recounts r LEFT JOIN users u ON u.id = r.requested_by
        WHERE r.workspace_id = $1
        ORDER BY r.requested_at DESC LIMIT 1`,
      [workspaceId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      state: row.pending ? (row.started_at ? 'running' : 'queued') : 'finished',
      requestedAt: row.requested_at.toISOString(),
      requestedBy: row.requested_by,
      startedAt: row.started_at?.toISOString() ?? null,
      finishedAt: row.finished_at?.toISOString() ?? null,
      doneSteps: row.done_steps,
      totalSteps: row.total_steps,
    };
  }

  /** Inside a rebuild's snapshot: the recounts it covers (those asked before it began). */
  async claim(manager: EntityManager, workspaceId: string): Promise<string[]> {
    const rows = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      'SELECT id FROM report_recounts WHERE workspace_id = $1 AND finished_at IS NULL',
      [workspaceId],
    );
    return rows.map((r) => r.id);
  }

  /** Written outside the rebuild's transaction, so the screen sees it while the rebuild runs. */
  async progress(ids: readonly string[], done: number, total: number): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      'UPDATE report_recounts SET started_at = coalesce(started_at, now()), done_steps = $2, total_steps = $3 WHERE id = ANY($1::uuid[])',
      [ids, done, total],
    );
  }

  /** After the rebuild committed: the recounts are finished, audited once (the actor is the system). */
  async finish(workspaceId: string, ids: readonly string[], seconds: number): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE report_recounts SET finished_at = now(), done_steps = total_steps WHERE id = ANY($1::uuid[])', [ids]);
      await this.audit.record(
        {
          workspaceId,
          actorUserId: null,
          action: 'reports.recounted',
          subjectType: 'workspace',
          subjectId: workspaceId,
          details: { recountIds: [...ids], seconds: Math.round(seconds * 10) / 10 },
        },
        manager,
      );
    });
  }
}
