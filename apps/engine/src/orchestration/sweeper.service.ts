import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';
import { contactLockHeldSql } from './contact-lock';
import { Dispatcher } from '../dispatch/dispatcher';
import type { WorkItem } from '../dispatch/work-item';
import { PeriodicTask } from '../common/periodic-task';

const BATCH = 500;
const sweptRow = z.object({ kind: z.enum(['webhook', 'contact']), id: z.string() });

/**
 * Re-dispatches work whose rows are still pending after a grace period: the
 * safety net for crashes, lost in-memory queues and Redis data loss. Because
 * handling is idempotent, a sweep that races normal processing is harmless.
 * It leaves out contacts whose lock a worker holds (that worker looks for more
 * work before it lets go), and the dispatcher drops an item already queued, so
 * a long backlog is not queued again at every sweep.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sweeper');
  private readonly task = new PeriodicTask(this.logger, 'Sweep failed');

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Everything pending at start was left by an earlier process: take it now.
    void this.task.run(() => this.sweepAndLog(0));
    this.task.start(this.config.SWEEP_INTERVAL_MS, () => this.sweepAndLog(this.config.SWEEP_INTERVAL_MS));
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  private async sweepAndLog(graceMs: number): Promise<void> {
    const found = await this.sweep(graceMs);
    if (found > 0) this.logger.log(`Re-dispatched ${found} pending item(s)`);
  }

  /** Dispatches pending work older than `graceMs`; returns how many items. */
  async sweep(graceMs: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - graceMs);
    // One statement for the three lists: this runs every SWEEP_INTERVAL_MS in every worker, busy or idle.
    const rows = await sqlRows(
      this.dataSource,
      sweptRow,
      `(SELECT 'webhook' AS kind, id::text AS id FROM webhook_deliveries
         WHERE processed_at IS NULL AND received_at <= $1 ORDER BY id LIMIT $2)
       UNION ALL
       (SELECT 'contact', contact_id::text FROM events e WHERE processed_at IS NULL AND received_at <= $1
           AND NOT ${contactLockHeldSql('e.contact_id')}
         GROUP BY contact_id ORDER BY min(id) LIMIT $2)
       UNION ALL
       -- Executions left "running" by a process that died mid-step.
       (SELECT DISTINCT 'contact', contact_id::text FROM executions x WHERE status = 'running' AND updated_at <= $1
           AND NOT ${contactLockHeldSql('x.contact_id')} LIMIT $2)`,
      [cutoff, BATCH],
    );
    const webhooks = rows.filter((r) => r.kind === 'webhook');
    const contacts = rows.filter((r) => r.kind === 'contact');
    const contactIds = new Set(contacts.map((r) => r.id));
    const items: WorkItem[] = [
      ...webhooks.map((r): WorkItem => ({ kind: 'webhook', id: r.id, recovery: true })),
      ...[...contactIds].map((id): WorkItem => ({ kind: 'contact', id, recovery: true })),
    ];
    await this.dispatcher.dispatch(items);
    return items.length;
  }
}
