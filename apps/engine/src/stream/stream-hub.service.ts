import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { PeriodicTask } from '../common/periodic-task';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { preparedSqlRow, preparedSqlRows } from '../runtime/prepared-sql';
import { sseFrame, STREAM_NEW_CHANNEL, STREAM_SEQUENCED_CHANNEL, type StreamEvent } from './stream-event';

/** One open `GET /api/stream`: who it is for, and where its events go. */
export interface StreamSubscriber {
  workspaceId: string;
  userId: string;
  /**
   * The events of one read for this connection, in order, and their SSE text
   * as bytes (made once per read for every connection that gets the same
   * events: one write per read, no per-connection encoding).
   */
  deliver(events: readonly StreamEvent[], bytes: Buffer): void;
  /** Ends the connection (the process is stopping; the client reconnects elsewhere with Last-Event-ID). */
  end(): void;
}

const eventRow = z.object({
  seq: z.coerce.number(),
  workspace_id: z.string(),
  user_id: z.string().nullable(),
  type: z.string(),
  payload: z.unknown(),
});
const BATCH = 2000;
/** Arbitrary constant for the sequencer's advisory lock ("parley stream"). */
const SEQUENCER_LOCK = 7_402_110_317;
/** How often the hub checks without being told (a lost notification, a sequencer that lost the lock race). */
const SAFETY_INTERVAL_MS = 1000;

/** The SSE text of events, encoded once. */
function framesOf(events: readonly StreamEvent[]): Buffer {
  return Buffer.from(events.map((e) => e.frame).join(''), 'utf8');
}

function toEvent(row: z.infer<typeof eventRow>): StreamEvent {
  return {
    seq: row.seq,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    type: row.type,
    frame: sseFrame(row.seq, row.type, row.payload),
  };
}

/**
 * Fans the workspace event stream out to the SSE connections of this process.
 *
 * Writers (API or worker processes) insert `stream_events` rows and notify at
 * commit. A sequencer, run by whichever hub takes an advisory lock, gives the
 * committed rows their public number (`seq`) in commit order, so a client that
 * has seen number N has seen every event numbered below N: nothing can commit
 * later with a smaller number. Each hub then reads new numbered rows once per
 * batch, for all its connections (never a query per connection per event),
 * turns each into its SSE text once, and hands each connection the events of
 * its workspace in one call (one socket write per connection per batch, not
 * per event: with 200 connections and hundreds of events a second, per-event
 * serialising and writing was the cost that grew with both).
 */
@Injectable()
export class StreamHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('StreamHub');
  private readonly safety = new PeriodicTask(this.logger, 'Stream check failed');
  private listener: Client | null = null;
  private cursor = 0;
  private readonly subscribers = new Map<string, Set<StreamSubscriber>>();
  private fetching: Promise<void> | null = null;
  private fetchAgain = false;
  /**
   * Events were numbered that this process has not read: with no connection
   * here nobody needs them, so the hub does not read them (a round trip per
   * numbering pass, on every worker, for nobody). `ready` moves the cursor
   * past them before a connection takes its position.
   */
  private unread = false;
  private sequencing: Promise<void> | null = null;
  private sequenceAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const row = await sqlRow(
      this.dataSource,
      z.object({ max: z.coerce.number() }),
      'SELECT coalesce(max(seq), 0) AS max FROM stream_events',
    );
    this.cursor = row?.max ?? 0;
    await this.connect();
    this.safety.start(SAFETY_INTERVAL_MS, async () => {
      if (!this.listener) await this.connect();
      await this.sequence();
      this.numbered();
      await this.fetching;
    });
    void this.sequence();
  }

  /** Open streams would keep the HTTP server from closing: end them first. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const set of this.subscribers.values()) for (const subscriber of [...set]) subscriber.end();
    this.subscribers.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.safety.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.sequencing;
    await this.fetching;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  /**
   * Brings the cursor up to the events numbered so far; a connection awaits it
   * before it takes `position()`. With no connection here, the events numbered
   * meanwhile were not read (`unread`): the cursor jumps past them (nobody here
   * was there to get them) in one look at the last number.
   */
  async ready(): Promise<void> {
    if (!this.unread) return;
    if (this.connections() > 0) {
      await this.fetch();
      return;
    }
    this.unread = false;
    const row = await preparedSqlRow(
      this.dataSource,
      z.object({ max: z.coerce.number().nullable() }),
      'SELECT max(seq) AS max FROM stream_events',
      [],
    );
    // Only forward: a read that ran meanwhile may have gone further.
    this.cursor = Math.max(this.cursor, row?.max ?? 0);
  }

  /** The number of the last event handed out: a new connection without Last-Event-ID starts after it (see `ready`). */
  position(): number {
    return this.cursor;
  }

  /** Registers a connection; the events after `position()` at this moment will reach it. Returns how to leave. */
  subscribe(subscriber: StreamSubscriber): () => void {
    let set = this.subscribers.get(subscriber.workspaceId);
    if (!set) {
      set = new Set();
      this.subscribers.set(subscriber.workspaceId, set);
    }
    set.add(subscriber);
    // Numbered between its `ready` and now, and not read for want of a connection: read from its position.
    if (this.unread) void this.fetch();
    return () => {
      set.delete(subscriber);
      if (set.size === 0) this.subscribers.delete(subscriber.workspaceId);
    };
  }

  connections(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  /**
   * The events of a workspace a reconnecting client missed, after `after` and
   * up to `upTo` (the hub's position when it subscribed); null when some are
   * no longer kept (the client must reload instead).
   */
  async backlog(workspaceId: string, userId: string, after: number, upTo: number, limit: number): Promise<StreamEvent[] | null> {
    const oldest = await sqlRow(
      this.dataSource,
      z.object({ min: z.coerce.number().nullable() }),
      'SELECT min(seq) AS min FROM stream_events WHERE seq IS NOT NULL',
    );
    // Rows before the oldest kept one were pruned: whatever the client missed among them is gone.
    if (typeof oldest?.min === 'number' && after < oldest.min - 1) return null;
    // Another process may be ahead of this one: the live feed brings the rest (the caller skips what it saw).
    if (after >= upTo) return [];
    const rows = await sqlRows(
      this.dataSource,
      eventRow,
      `SELECT seq, workspace_id, user_id, type, payload FROM stream_events
        WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 AND (user_id IS NULL OR user_id = $4)
        ORDER BY seq LIMIT $5`,
      [workspaceId, after, upTo, userId, limit + 1],
    );
    return rows.length > limit ? null : rows.map(toEvent);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'parley-stream' });
    client.on('notification', (message) => {
      if (message.channel === STREAM_NEW_CHANNEL) void this.sequence();
      else if (message.channel === STREAM_SEQUENCED_CHANNEL) this.numbered();
    });
    client.on('error', (error) => {
      this.logger.warn(`Stream listener lost its connection: ${error.message}`);
      if (this.listener === client) this.listener = null;
      void client.end().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${STREAM_NEW_CHANNEL}; LISTEN ${STREAM_SEQUENCED_CHANNEL}`);
    this.listener = client;
  }

  /** Numbers committed rows in commit order (one sequencer at a time across processes). */
  private sequence(): Promise<void> {
    if (this.sequencing) {
      this.sequenceAgain = true;
      return this.sequencing;
    }
    this.sequencing = (async () => {
      try {
        do {
          this.sequenceAgain = false;
          const outcome = await this.sequenceBatch();
          if (outcome === 'busy') {
            // Another process is numbering; it may have read before our rows committed, so look again shortly.
            this.scheduleRetry();
            break;
          }
          if (outcome === 'full') this.sequenceAgain = true;
        } while (this.sequenceAgain && !this.closed);
      } catch (error) {
        this.logger.warn(`Stream sequencing failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.sequencing = null;
      }
    })();
    return this.sequencing;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.sequence();
    }, 15);
    this.retryTimer.unref();
  }

  /**
   * One statement, its own transaction: the lock, the numbering and the
   * notification (it was six round trips: begin, lock, read, number, notify,
   * commit). The statement's snapshot may predate the lock; a row another
   * sequencer numbered meanwhile fails `seq IS NULL` when rechecked on update
   * and is skipped, so nothing is numbered twice, and numbers still follow
   * commit order because the lock is held until this statement commits.
   */
  private async sequenceBatch(): Promise<'busy' | 'done' | 'full' | 'empty'> {
    const row = await preparedSqlRow(
      this.dataSource,
      z.object({ locked: z.boolean(), numbered: z.coerce.number() }),
      `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($1) AS locked),
       pending AS MATERIALIZED (
         SELECT id FROM stream_events WHERE seq IS NULL AND (SELECT locked FROM lock) ORDER BY id LIMIT $2),
       -- nextval in the order of the ids: numbers follow the rows' own order within the batch.
       numbers AS MATERIALIZED (SELECT id, nextval('stream_event_seq') AS seq FROM pending ORDER BY id),
       numbered AS (UPDATE stream_events s SET seq = n.seq FROM numbers n WHERE s.id = n.id AND s.seq IS NULL RETURNING 1),
       counted AS (SELECT count(*) AS numbered FROM numbered)
       SELECT (SELECT locked FROM lock) AS locked, counted.numbered,
              CASE WHEN counted.numbered > 0 THEN pg_notify('${STREAM_SEQUENCED_CHANNEL}', '') END AS notified
         FROM counted`,
      [SEQUENCER_LOCK, BATCH],
    );
    if (!row?.locked) return 'busy';
    if (row.numbered === 0) return 'empty';
    return row.numbered === BATCH ? 'full' : 'done';
  }

  /** Events were numbered: read them now when a connection here waits for them, else only note it (see `unread`). */
  private numbered(): void {
    if (this.connections() > 0) void this.fetch();
    else this.unread = true;
  }

  /** Reads the numbered events after the cursor, once for every connection of this process. */
  private fetch(): Promise<void> {
    this.unread = false;
    if (this.fetching) {
      this.fetchAgain = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      try {
        do {
          this.fetchAgain = false;
          const rows = await preparedSqlRows(
            this.dataSource,
            eventRow,
            'SELECT seq, workspace_id, user_id, type, payload FROM stream_events WHERE seq > $1 ORDER BY seq LIMIT $2',
            [this.cursor, BATCH],
          );
          if (rows.length > 0) {
            this.cursor = rows[rows.length - 1]?.seq ?? this.cursor;
            this.hand(rows.map(toEvent));
          }
          if (rows.length === BATCH) this.fetchAgain = true;
        } while (this.fetchAgain && !this.closed);
      } catch (error) {
        this.logger.warn(`Stream read failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private hand(events: readonly StreamEvent[]): void {
    const byWorkspace = new Map<string, StreamEvent[]>();
    for (const event of events) {
      const list = byWorkspace.get(event.workspaceId);
      if (list) list.push(event);
      else byWorkspace.set(event.workspaceId, [event]);
    }
    for (const [workspaceId, list] of byWorkspace) {
      const set = this.subscribers.get(workspaceId);
      if (!set) continue;
      // Most events are for the whole workspace: those connections share one list and one encoded text.
      const personal = list.some((e) => e.userId !== null);
      const shared = personal ? null : framesOf(list);
      for (const subscriber of set) {
        const mine = personal ? list.filter((e) => e.userId === null || e.userId === subscriber.userId) : list;
        if (mine.length > 0) subscriber.deliver(mine, shared ?? framesOf(mine));
      }
    }
  }
}
