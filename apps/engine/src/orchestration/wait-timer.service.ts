import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DatabaseClock } from '../common/database-clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { PeriodicTask } from '../common/periodic-task';

const BATCH = 1000;
/** A wait just dispatched is not dispatched again for this long (its contact's processor is on it). */
const REDISPATCH_AFTER_MS = 2000;

/**
 * Fires waits when they come due. Waits live in PostgreSQL (indexed by due
 * time), so a wait of minutes or months survives restarts and costs no memory;
 * this poll hands due ones to the contact's processor, which fires them in order.
 */
@Injectable()
export class WaitTimerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask(new Logger('WaitTimer'), 'Could not look for due waits');

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly databaseClock: DatabaseClock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.WAIT_POLL_INTERVAL_MS, async () => {
      await this.dispatchDue();
    });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /**
   * Claims due waits and dispatches their contacts; returns how many contacts.
   * The claim (`dispatched_at`) is shared by every process polling, so with
   * several workers each due wait is handed out once, and again only if it is
   * still waiting after REDISPATCH_AFTER_MS. `force` ignores recent claims.
   * Due is by the database's clock (as due times are), never this host's.
   */
  async dispatchDue(force = false): Promise<number> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ contact_id: z.string() }),
      `UPDATE waits w SET dispatched_at = coalesce($1::timestamptz, now())
         FROM (SELECT id FROM waits
                WHERE status = 'waiting' AND due_at <= coalesce($1::timestamptz, now())
                  AND (dispatched_at IS NULL OR dispatched_at <= coalesce($1::timestamptz, now()) - $2::double precision * interval '1 millisecond')
                ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
        WHERE w.id = due.id
        RETURNING w.contact_id`,
      [this.databaseClock.fixed(), force ? 0 : REDISPATCH_AFTER_MS, BATCH],
    );
    const contacts = [...new Set(rows.map((r) => r.contact_id))];
    await this.dispatcher.dispatch(contacts.map((id) => ({ kind: 'contact' as const, id })));
    return contacts.length;
  }
}
