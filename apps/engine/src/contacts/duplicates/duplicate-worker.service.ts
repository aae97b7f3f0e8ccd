import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../../common/clock';
import { PeriodicTask } from '../../common/periodic-task';
import { sqlRows } from '../../database/sql-rows';
import { DuplicateScanJobsService } from './duplicate-scan-jobs.service';
import { DuplicateScanService } from './duplicate-scan.service';

const INTERVAL_MS = 60_000;
/** How often a worker looks for a queued (or abandoned) whole-workspace scan. */
const JOB_INTERVAL_MS = 2_000;
/** The whole-workspace scan runs once a day from this hour (UTC). */
const NIGHTLY_HOUR_UTC = 2;
/** New contacts checked per round and workspace. */
const NEW_BATCH = 2000;

const stateRow = z.object({ id: z.string(), after: z.date().nullable(), last_full: z.date().nullable() });

/**
 * Runs the duplicate check on contacts created since the last round (from
 * WhatsApp, a CRM event or sync, an import) every minute, queues the full
 * scan nightly, and works queued scan jobs, in processes that do work. Where it stands is kept in
 * duplicate_scan_state, so a restart neither skips nor repeats contacts.
 */
@Injectable()
export class DuplicateWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DuplicateWorker');
  private readonly task = new PeriodicTask(this.logger, 'Duplicate check failed');
  private readonly jobTask = new PeriodicTask(this.logger, 'Duplicate scan job failed');

  constructor(
    private readonly dataSource: DataSource,
    private readonly scans: DuplicateScanService,
    private readonly jobs: DuplicateScanJobsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(INTERVAL_MS, () => this.runOnce());
    this.jobTask.start(JOB_INTERVAL_MS, async () => {
      while (await this.jobs.runDue());
    });
  }

  onApplicationShutdown(): void {
    this.task.stop();
    this.jobTask.stop();
  }

  /** One round: new contacts of every workspace, and the nightly scan when it is due (tests call it directly). */
  async runOnce(): Promise<void> {
    const now = this.clock.now();
    const states = await sqlRows(
      this.dataSource,
      stateRow,
      `SELECT w.id, s.new_contacts_after AS after, s.last_full_scan_at AS last_full
         FROM workspaces w LEFT JOIN duplicate_scan_state s ON s.workspace_id = w.id`,
    );
    for (const state of states) {
      const after = state.after ?? new Date(0);
      const fresh = await sqlRows(
        this.dataSource,
        z.object({ id: z.string(), created_at: z.date() }),
        `SELECT id, created_at FROM contacts WHERE workspace_id = $1 AND created_at > $2 AND merged_into_id IS NULL
          ORDER BY created_at LIMIT $3`,
        [state.id, after, NEW_BATCH],
      );
      if (fresh.length > 0) {
        await this.scans.scan(state.id, { onlyContactIds: fresh.map((c) => c.id), detectedBy: 'new_contact' });
      }
      const newAfter = fresh[fresh.length - 1]?.created_at ?? after;
      const nightlyDue =
        now.getUTCHours() >= NIGHTLY_HOUR_UTC &&
        (state.last_full === null ||
          state.last_full < new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), NIGHTLY_HOUR_UTC)));
      // The nightly scan is the same background job a person starts (one at a time: a running one stands for it).
      if (nightlyDue) await this.jobs.start(state.id, 'nightly');
      await this.dataSource.query(
        `INSERT INTO duplicate_scan_state (workspace_id, new_contacts_after, last_full_scan_at) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id) DO UPDATE SET new_contacts_after = $2, last_full_scan_at = coalesce($3, duplicate_scan_state.last_full_scan_at)`,
        [state.id, newAfter, nightlyDue ? now : null],
      );
    }
  }
}
