import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DatabaseClock } from '../common/database-clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { WaitAlarm } from '../executions/wait-alarm';

const BATCH = 1000;
/**
 * A wait dispatched is not dispatched again for this long: its contact's processor has it (queued or running), and
 * the dispatcher keeps one item per contact anyway. Long, because a wait stays due until its contact's turn comes:
 * with 2 s, a backlog of 13,000 overdue waits was claimed again every 2 s (490,000 updates of waits rows to fire
 * 20,000 of them; with 30 s, 58,000-59,000: docs/BENCHMARKS.md). Only a dispatch lost with its
 * process waits this long, and only in another process: a process that starts looks past every claim once
 * (`firstLook`).
 */
const REDISPATCH_AFTER_MS = 30_000;
/**
 * The longest the timer sleeps when nothing is due sooner. Waits this process writes wake it
 * earlier (WaitAlarm); one written by another process, due sooner than this, fires up to this late.
 */
const IDLE_LOOK_MS = 1000;

/**
 * Claims the due waits, and tells when the next one comes due (ms from the database's now) in one
 * more row of kind 'next', so an idle timer sleeps until then: one statement per look.
 */
const DUE_SQL = `
  WITH due AS (
    SELECT id FROM waits
     WHERE status = 'waiting' AND due_at <= coalesce($1::timestamptz, now())
       AND (dispatched_at IS NULL OR dispatched_at <= coalesce($1::timestamptz, now()) - $2::double precision * interval '1 millisecond')
     ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE waits w SET dispatched_at = coalesce($1::timestamptz, now()) FROM due WHERE w.id = due.id RETURNING w.contact_id)
  SELECT 'claimed' AS kind, contact_id::text AS contact_id, NULL::double precision AS next_due_in_ms FROM claimed
  UNION ALL
  SELECT 'next', NULL, (SELECT extract(epoch FROM min(due_at) - coalesce($1::timestamptz, now()))::double precision * 1000
                  FROM waits WHERE status = 'waiting' AND due_at > coalesce($1::timestamptz, now()))`;
const dueRow = z.object({ kind: z.enum(['claimed', 'next']), contact_id: z.string().nullable(), next_due_in_ms: z.number().nullable() });

/**
 * Fires waits when they come due. Waits live in PostgreSQL (indexed by due
 * time), so a wait of minutes or months survives restarts and costs no memory;
 * this timer hands due ones to the contact's processor, which fires them in order.
 * While waits come due it looks every WAIT_POLL_INTERVAL_MS (at once again after
 * a full batch); otherwise it sleeps until the next one is due, at most IDLE_LOOK_MS,
 * so an engine with nothing due soon costs one statement a second, not four.
 */
@Injectable()
export class WaitTimerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WaitTimer');
  private timer: NodeJS.Timeout | null = null;
  private plannedAt = 0;
  private running = false;
  private lookAgain = false;
  private stopped = false;
  private stopListening: (() => void) | null = null;
  /** The next look ignores claims: the first after start, which takes over what a process that died had claimed. */
  private firstLook = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly databaseClock: DatabaseClock,
    private readonly alarm: WaitAlarm,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.firstLook = true;
    // A wait written now may not be committed yet: looking no sooner than the poll interval gives it time to be.
    this.stopListening = this.alarm.listen((dueInMs) => this.planIn(Math.max(dueInMs, this.config.WAIT_POLL_INTERVAL_MS)));
    this.planIn(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Claims due waits and dispatches their contacts; returns how many contacts.
   * The claim (`dispatched_at`) is shared by every process polling, so with
   * several workers each due wait is handed out once, and again only if it is
   * still waiting after REDISPATCH_AFTER_MS. `force` ignores recent claims.
   * Due is by the database's clock (as due times are), never this host's.
   */
  async dispatchDue(force = false): Promise<number> {
    return (await this.look(force)).contacts;
  }

  private async look(force: boolean): Promise<{ contacts: number; claimed: number; nextDueInMs: number | null }> {
    const rows = await sqlRows(this.dataSource, dueRow, DUE_SQL, [this.databaseClock.fixed(), force ? 0 : REDISPATCH_AFTER_MS, BATCH]);
    const contacts = new Set<string>();
    let claimed = 0;
    let nextDueInMs: number | null = null;
    for (const row of rows) {
      if (row.kind === 'next') nextDueInMs = row.next_due_in_ms;
      else {
        claimed += 1;
        if (row.contact_id !== null) contacts.add(row.contact_id);
      }
    }
    await this.dispatcher.dispatch([...contacts].map((id) => ({ kind: 'contact' as const, id })));
    return { contacts: contacts.size, claimed, nextDueInMs };
  }

  /** Makes the next look happen within `delayMs`, unless one is planned sooner. */
  private planIn(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (this.timer !== null && this.plannedAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.plannedAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) {
      this.lookAgain = true;
      return;
    }
    this.running = true;
    let next = this.config.WAIT_POLL_INTERVAL_MS;
    try {
      const found = await this.look(this.firstLook);
      this.firstLook = false;
      if (found.claimed >= BATCH) next = 0;
      else if (found.claimed === 0) next = Math.min(IDLE_LOOK_MS, Math.max(0, Math.ceil(found.nextDueInMs ?? IDLE_LOOK_MS)));
    } catch (error) {
      this.logger.warn(`Could not look for due waits: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
    if (this.lookAgain) {
      this.lookAgain = false;
      next = 0;
    }
    this.planIn(next);
  }
}
