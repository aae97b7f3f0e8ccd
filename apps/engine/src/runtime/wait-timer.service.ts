import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';

const BATCH = 1000;
/** A contact just dispatched is not dispatched again for this long (its processor is on it). */
const REDISPATCH_AFTER_MS = 2000;

/**
 * Fires waits when they come due. Waits live in PostgreSQL (indexed by due
 * time), so a wait of minutes or months survives restarts and costs no memory;
 * this poll hands due ones to the contact's processor, which fires them in order.
 */
@Injectable()
export class WaitTimerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WaitTimer');
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.WAIT_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.dispatchDue();
    } catch (error) {
      this.logger.warn(`Could not look for due waits: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** Dispatches the contacts that have a due wait; returns how many. `force` ignores recent dispatches. */
  async dispatchDue(force = false): Promise<number> {
    const now = this.clock.now();
    const rows = await sqlRows(
      this.dataSource,
      z.object({ contact_id: z.string() }),
      `SELECT contact_id FROM (SELECT contact_id, due_at FROM waits WHERE status = 'waiting' AND due_at <= $1 ORDER BY due_at LIMIT $2) due GROUP BY contact_id`,
      [now, BATCH],
    );
    const wallClock = Date.now();
    for (const [id, at] of this.recent) if (wallClock - at > REDISPATCH_AFTER_MS) this.recent.delete(id);
    const fresh = rows.map((r) => r.contact_id).filter((id) => force || !this.recent.has(id));
    for (const id of fresh) this.recent.set(id, wallClock);
    await this.dispatcher.dispatch(fresh.map((id) => ({ kind: 'contact' as const, id })));
    return fresh.length;
  }
}
