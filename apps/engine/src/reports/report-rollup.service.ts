import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { countrySql } from './metrics/calling-codes';
import { serviceEvents, type ServiceItem } from './metrics/service-events';
import { messageWords } from './metrics/words';
import { ReportRecountService } from './report-recount.service';
import { businessHoursOf } from './report-settings';

/** One rollup job at a time across every process: two would add the same deltas concurrently. */
const LOCK_KEY = 7_150_000_001;
const DEFAULT_BATCH = 20_000;
/** The longest conversion window a workspace may set: an outbound flow message can convert orders up to this far after it. */
const MAX_CONVERSION_DAYS = 90;

/** What a test may do inside a round before it commits (e.g. throw, as a crash would). */
export type RoundInterrupt = () => Promise<void>;

const COUNTRY = countrySql("regexp_replace(coalesce(c.phone_e164, c.wa_id, ''), '\\D', '', 'g')");
const HOUR_KEY =
  'workspace_id, hour, metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';
const INSERT_HOURS = `INSERT INTO report_hours (${HOUR_KEY}, count, seconds)`;
/** Adds to a key's counts (deltas) instead of replacing them. */
const ADD_HOURS = `ON CONFLICT (${HOUR_KEY}) DO UPDATE SET count = report_hours.count + excluded.count, seconds = report_hours.seconds + excluded.seconds`;
const FACT_COLUMNS = 'workspace_id, contact_id, hour, number_id, flow_id, flow_version_id, node_id, template, category, country';
const TAG_KEY = 'workspace_id, tag, hour, metric, number_id, flow_id, flow_version_id, node_id, status';
const INSERT_TAGS = `INSERT INTO report_tag_hours (${TAG_KEY}, count, seconds)`;
const ADD_TAGS = `ON CONFLICT (${TAG_KEY}) DO UPDATE SET count = report_tag_hours.count + excluded.count, seconds = report_tag_hours.seconds + excluded.seconds`;
const TEMPLATE_OF = (m: string): string => `coalesce(CASE WHEN ${m}.type = 'template' THEN ${m}.payload->'template'->>'name' END, '')`;

/**
 * Reply facts: each customer message whose previous message (to or from that
 * customer) is an outbound one on the same number that did not fail, sent less
 * than 24 h before, with that message's dimensions. `filter` picks the inbound messages (alias i).
 */
const replyFacts = (filter: string): string => `
  SELECT i.id, i.workspace_id, i.contact_id, date_trunc('hour', i.occurred_at, 'UTC'), p.whatsapp_number_id, e.flow_id, e.flow_version_id,
         coalesce(p.node_id, ''), ${TEMPLATE_OF('p')}, coalesce(p.category, ''), ${COUNTRY}
    FROM messages i
    JOIN contacts c ON c.id = i.contact_id
    JOIN LATERAL (
      SELECT * FROM messages p
       WHERE p.contact_id = i.contact_id AND p.occurred_at < i.occurred_at
       ORDER BY p.occurred_at DESC, p.id DESC LIMIT 1
    ) p ON p.direction = 'outbound' AND p.whatsapp_number_id = i.whatsapp_number_id AND p.status IS DISTINCT FROM 'failed'
         AND p.occurred_at > i.occurred_at - interval '24 hours'
    LEFT JOIN executions e ON e.id = p.execution_id
   WHERE i.direction = 'inbound' AND ${filter}`;

/**
 * Conversion facts: each order placed within the window (days: parameter
 * `days`) after a flow's message to the customer that did not fail, credited
 * to the last such message. `filter` picks the orders (alias o).
 */
const conversionFacts = (filter: string, days: string): string => `
  SELECT o.id, o.workspace_id, o.contact_id, date_trunc('hour', o.placed_at, 'UTC'), p.whatsapp_number_id, e.flow_id, e.flow_version_id,
         coalesce(p.node_id, ''), ${TEMPLATE_OF('p')}, coalesce(p.category, ''), ${COUNTRY}
    FROM orders o
    JOIN contacts c ON c.id = o.contact_id
    JOIN LATERAL (
      SELECT * FROM messages p
       WHERE p.contact_id = o.contact_id AND p.direction = 'outbound' AND p.execution_id IS NOT NULL
         AND p.status IS DISTINCT FROM 'failed'
         AND p.occurred_at <= o.placed_at AND p.occurred_at > o.placed_at - make_interval(days => ${days})
       ORDER BY p.occurred_at DESC, p.id DESC LIMIT 1
    ) p ON true
    JOIN executions e ON e.id = p.execution_id
   WHERE ${filter}`;

/**
 * Adds (sign 1) or takes away (-1) facts as 'reply' or 'conversion' counts, in
 * report_hours and per tag of the fact's contact; `facts` is a CTE with FACT_COLUMNS.
 */
const factsToHours = (metric: 'reply' | 'conversion', facts: string, sign: 1 | -1): string => `
  , hours AS (
    ${INSERT_HOURS}
    SELECT workspace_id, hour, '${metric}', number_id, flow_id, flow_version_id, node_id, template, category, country, '', '', ${sign} * count(*), 0
      FROM ${facts} f GROUP BY workspace_id, hour, number_id, flow_id, flow_version_id, node_id, template, category, country
    ${ADD_HOURS}
    RETURNING 1
  )
  ${INSERT_TAGS}
  SELECT f.workspace_id, t.tag, f.hour, '${metric}', f.number_id, f.flow_id, f.flow_version_id, f.node_id, '', ${sign} * count(*), 0
    FROM ${facts} f JOIN contact_tags t ON t.contact_id = f.contact_id
   GROUP BY 1, 2, 3, 5, 6, 7, 8
  ${ADD_TAGS}`;

/**
 * A workspace's duration histograms from its service events, in one pass: what
 * the triggers of migration 1765274000000 add up statement by statement (the
 * same buckets, grains and bases; reports.spec.ts compares both).
 */
const REBUILD_SERVICE_HIST = `
  INSERT INTO report_service_hist (workspace_id, grain, start, kind, number_id, user_id, basis, bucket, count, total)
  SELECT v.workspace_id, p.grain, p.start, v.kind, v.number_id, v.user_id, v.basis, v.bucket, count(*), sum(v.value)
    FROM (
      SELECT workspace_id, kind, number_id, user_id, at, 'c' AS basis, report_duration_bucket(seconds) AS bucket, seconds AS value
        FROM report_service_events WHERE workspace_id = $1
      UNION ALL
      SELECT workspace_id, kind, number_id, user_id, at, 'b', report_duration_bucket(business_seconds), business_seconds
        FROM report_service_events WHERE workspace_id = $1 AND kind <> 'opened'
      UNION ALL
      SELECT workspace_id, kind, number_id, user_id, at, 'h', 0, 0 FROM report_service_events WHERE workspace_id = $1 AND first_reply
    ) v
    CROSS JOIN LATERAL (VALUES ('h', date_trunc('hour', v.at, 'UTC')), ('d', date_trunc('day', v.at, 'UTC'))) p(grain, start)
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/**
 * The same histograms per tag, from the tags stored on each event (what the
 * triggers of migration 1765280000000 add up statement by statement).
 */
const REBUILD_SERVICE_TAG_HIST = `
  INSERT INTO report_service_hist (workspace_id, tag, grain, start, kind, number_id, user_id, basis, bucket, count, total)
  SELECT v.workspace_id, v.tag, p.grain, p.start, v.kind, v.number_id, v.user_id, v.basis, v.bucket, count(*), sum(v.value)
    FROM (
      SELECT workspace_id, tag, kind, number_id, user_id, at, 'c' AS basis, report_duration_bucket(seconds) AS bucket, seconds AS value
        FROM report_service_events CROSS JOIN LATERAL unnest(tags) AS tag WHERE workspace_id = $1
      UNION ALL
      SELECT workspace_id, tag, kind, number_id, user_id, at, 'b', report_duration_bucket(business_seconds), business_seconds
        FROM report_service_events CROSS JOIN LATERAL unnest(tags) AS tag WHERE workspace_id = $1 AND kind <> 'opened'
      UNION ALL
      SELECT workspace_id, tag, kind, number_id, user_id, at, 'h', 0, 0
        FROM report_service_events CROSS JOIN LATERAL unnest(tags) AS tag WHERE workspace_id = $1 AND first_reply
    ) v
    CROSS JOIN LATERAL (VALUES ('h', date_trunc('hour', v.at, 'UTC')), ('d', date_trunc('day', v.at, 'UTC'))) p(grain, start)
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;

/** The rollups kept per hour or fact time, with their time column: a rebuild's window replaces their rows in the window. */
const ROLLUPS_IN_TIME: readonly (readonly [string, string])[] = [
  ['report_hours', 'hour'],
  ['report_word_hours', 'hour'],
  ['report_word_days', 'day'],
  ['report_tag_hours', 'hour'],
  ['report_reply_facts', 'hour'],
  ['report_conversion_facts', 'hour'],
  ['report_discount_facts', 'at'],
];
/** The rollups a rebuild refills, analyzed when it finishes. */
const ANALYZED_ROLLUPS = [
  'report_hours',
  'report_days',
  'report_traffic_hours',
  'report_word_hours',
  'report_word_days',
  'report_tag_hours',
  'report_reply_facts',
  'report_conversion_facts',
  'report_discount_facts',
  'report_discount_days',
  'report_service_events',
  'report_service_hist',
];
/** Conversations per rebuild slice of service events. */
const REBUILD_CONVERSATIONS = 1000;
/** Connections a rebuild works with at once (the machine's cores are the useful bound). */
const DEFAULT_REBUILD_CONCURRENCY = 2;

export interface RebuildOptions {
  concurrency?: number;
  /** Runs after each slice commits (a test throws there to stop the rebuild midway). */
  afterSlice?: () => Promise<void>;
}

const batchMessage = z.object({ workspace_id: z.string(), hour: z.date(), number_id: z.string(), sign: z.number(), text: z.string() });
/** A customer's message with its text, as the discount requests read it. */
const customerText = z.object({ id: z.string(), contact_id: z.string(), at: z.date(), number_id: z.string(), text: z.string() });

/** The intent whose messages are discount requests (one of the default intents; a workspace may change its keywords). */
const DISCOUNT_INTENT = 'discount';

/**
 * When a discount request (alias `f`, with contact_id and at) converted: its
 * customer's first order after it and within the conversion window (days:
 * parameter `days`); null when none.
 */
const DISCOUNT_CONVERTED_AT = (f: string, days: string): string =>
  `SELECT min(o.placed_at) FROM orders o
    WHERE o.contact_id = ${f}.contact_id AND o.placed_at > ${f}.at AND o.placed_at <= ${f}.at + make_interval(days => ${days})`;

/**
 * Keeps the report rollups (report_hours, report_word_hours,
 * report_service_events) equal to what the raw rows say, as running counts.
 * Triggers log each change in report_changes, in the same transaction as the
 * change: a message's reported values before (sign -1) and after (+1), a run,
 * step or order added, a conversation to recompute. A round takes a batch of
 * changes and, in one transaction: adds the messages' deltas to the hourly
 * counts and word counts; recomputes the reply and conversion facts of the
 * messages and orders those changes can affect and adds the difference;
 * recomputes the changed conversations' service events; deletes the changes.
 * A crash rolls the whole round back, so the next round redoes it and each
 * change counts exactly once. A rebuild recomputes everything from the raw
 * rows (reports.spec.ts checks both agree).
 */
@Injectable()
export class ReportRollupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly recounts: ReportRecountService,
  ) {}

  /** One round; returns how many changes it handled (0: nothing to do, or another process is at it). */
  async runOnce(options: { batch?: number; interrupt?: RoundInterrupt; wait?: boolean } = {}): Promise<number> {
    // A rebuild asked for (a recount, a migration) or one that was stopped midway comes first.
    const pending = await sqlRows(
      this.dataSource,
      z.object({ workspace_id: z.string() }),
      "SELECT DISTINCT workspace_id FROM report_changes WHERE kind = 'rebuild' UNION SELECT workspace_id FROM report_rebuilds",
    );
    if (pending.length > 0) {
      let rebuilt = 0;
      for (const { workspace_id } of pending) if (await this.rebuildWorkspace(workspace_id, { wait: options.wait ?? false })) rebuilt += 1;
      return rebuilt;
    }
    return this.dataSource.transaction(async (manager) => {
      if (options.wait) {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      } else {
        const locked = await sqlRows(manager, z.object({ locked: z.boolean() }), 'SELECT pg_try_advisory_xact_lock($1) AS locked', [
          LOCK_KEY,
        ]);
        if (!locked[0]?.locked) return 0;
      }
      // The batch is fixed once (taken out of the log into a per-session table), so every statement below sees the same changes.
      await manager.query('CREATE TEMP TABLE IF NOT EXISTS report_batch (LIKE report_changes) ON COMMIT DELETE ROWS');
      await manager.query(
        `WITH taken AS (
           DELETE FROM report_changes WHERE id IN (SELECT id FROM report_changes WHERE kind <> 'rebuild' ORDER BY id LIMIT $1) RETURNING *
         ) INSERT INTO report_batch SELECT * FROM taken`,
        [options.batch ?? DEFAULT_BATCH],
      );
      const taken = await sqlRows(manager, z.object({ n: z.number() }), 'SELECT count(*)::int AS n FROM report_batch');
      const handled = taken[0]?.n ?? 0;
      if (handled === 0) return 0;
      // A temporary table has no statistics until analyzed: the round's statements planned on 1 row for 20,000 changes
      // (nested loops over the batch; 0.3-0.7 s for the hourly counts alone at 3 M messages).
      await manager.query('ANALYZE report_batch');
      await this.applyBatch(manager);
      if (options.interrupt) await options.interrupt();
      return handled;
    });
  }

  /** Runs rounds until no change is left (`wait`: queue behind a round another process runs, else stop); returns how many it handled. */
  async drain(options: { wait?: boolean } = { wait: true }): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.runOnce(options);
      if (handled === 0) return total;
      total += handled;
    }
  }

  /**
   * Rebuilds a workspace's rollups (or every workspace's) from the raw rows,
   * with `concurrency` connections working on its slices at once. Also what a
   * change of the business hours or the conversion window needs to reach past
   * data. `afterSlice` runs after each slice commits (a test stops the rebuild
   * there, as a crash would). Returns how many workspaces it rebuilt.
   */
  async rebuild(workspaceId: string | null, options: RebuildOptions = {}): Promise<{ changes: number }> {
    const workspaces =
      workspaceId === null
        ? (await sqlRows(this.dataSource, z.object({ id: z.string() }), 'SELECT id FROM workspaces ORDER BY created_at')).map((w) => w.id)
        : [workspaceId];
    for (const id of workspaces) await this.rebuildWorkspace(id, { ...options, wait: true });
    return { changes: workspaces.length };
  }

  /**
   * A rebuild in three steps (docs/REPORTS.md "Rebuild"), each transaction at
   * REPEATABLE READ so its statements share one snapshot:
   * - plan (unless a stopped rebuild left one): the day windows and the
   *   conversation ranges to recompute, the recounts it answers; rollups and
   *   logged changes outside every window are dropped;
   * - slices, by `concurrency` connections at once, each in its own
   *   transaction: a window deletes and recomputes its hours, and sets to 0 the
   *   sign of the logged changes its snapshot saw there (their effect is in the
   *   recomputation; later ones stay and count when a round takes them, while a
   *   round still recomputes what depends on them, which is idempotent); a
   *   conversation range replaces its conversations' service events;
   * - finish: the service histograms added up again from the events.
   * Rounds may run between slices (a slice is consistent with the log when it
   * commits) but not during one: slices hold the job's lock shared, rounds
   * exclusively. A stopped rebuild continues from its slices not done.
   */
  private async rebuildWorkspace(workspaceId: string, options: RebuildOptions & { wait: boolean }): Promise<boolean> {
    const began = Date.now();
    const planned = await this.withLock(options.wait, false, (manager) => this.planRebuild(manager, workspaceId));
    if (planned === null) return false;
    // Each slice holds a connection and may borrow another for a short read (settings): never more slices than the pool allows.
    const pool = z.object({ max: z.number() }).safeParse(this.dataSource.options.extra);
    const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_REBUILD_CONCURRENCY, (pool.success ? pool.data.max : 10) - 1));
    const workers = Array.from({ length: concurrency }, () => this.rebuildSlices(workspaceId, options.afterSlice));
    // Every connection stops before an error is passed on (a stopped rebuild leaves no slice running).
    const failed = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
    if (failed?.status === 'rejected') throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    const finished = await this.withLock(true, false, (manager) => this.finishRebuild(manager, workspaceId));
    if (finished === null || finished === false) return false;
    await this.recounts.finish(workspaceId, finished, (Date.now() - began) / 1000);
    // A rebuild refills the rollups inside its own transactions, which autovacuum may not analyze for a long while: at 10 M
    // messages the reports then planned on the statistics of empty tables (the revenue join took 2.1 s as a nested loop,
    // 0.33 s as a hash join once analyzed).
    await this.dataSource.query(`ANALYZE ${ANALYZED_ROLLUPS.join(', ')}`);
    return true;
  }

  /**
   * Runs `work` in a REPEATABLE READ transaction on its own connection, holding
   * the job's lock (`shared`: alongside other slices, never with a round); the
   * lock is taken before the transaction begins, so its snapshot sees every
   * round that committed before. null: the lock was busy and `wait` is false.
   */
  private async withLock<T>(wait: boolean, shared: boolean, work: (manager: EntityManager) => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const suffix = shared ? '_shared' : '';
    try {
      if (wait) {
        await runner.query(`SELECT pg_advisory_lock${suffix}($1)`, [LOCK_KEY]);
      } else {
        const locked = await sqlRows(
          runner.manager,
          z.object({ locked: z.boolean() }),
          `SELECT pg_try_advisory_lock${suffix}($1) AS locked`,
          [LOCK_KEY],
        );
        if (!locked[0]?.locked) return null;
      }
      try {
        await runner.startTransaction('REPEATABLE READ');
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock${suffix}($1)`, [LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The plan of a rebuild (see rebuildWorkspace); keeps a stopped rebuild's plan. */
  private async planRebuild(manager: EntityManager, workspaceId: string): Promise<true> {
    const existing = await sqlRows(
      manager,
      z.object({ n: z.number() }),
      'SELECT count(*)::int AS n FROM report_rebuilds WHERE workspace_id = $1',
      [workspaceId],
    );
    // A stopped rebuild is continued as planned; a rebuild asked for since then stays queued for the next one.
    if ((existing[0]?.n ?? 0) > 0) return true;
    // The markers asking for a rebuild (seen by this snapshot) are answered by this one.
    await manager.query("DELETE FROM report_changes WHERE workspace_id = $1 AND kind = 'rebuild'", [workspaceId]);
    // The recounts asked for before this snapshot are the ones this rebuild answers.
    const recountIds = await this.recounts.claim(manager, workspaceId);
    // One window per UTC day that has raw rows (a sparse history does not pay for its empty days).
    const days = (
      await sqlRows(
        manager,
        z.object({ day: z.date() }),
        `SELECT DISTINCT day FROM (
           SELECT date_trunc('day', occurred_at, 'UTC') AS day FROM messages WHERE workspace_id = $1
           UNION SELECT date_trunc('day', started_at, 'UTC') FROM executions WHERE workspace_id = $1
           UNION SELECT date_trunc('day', finished_at, 'UTC') FROM executions WHERE workspace_id = $1 AND finished_at IS NOT NULL
           UNION SELECT date_trunc('day', started_at, 'UTC') FROM execution_steps WHERE workspace_id = $1
           UNION SELECT date_trunc('day', placed_at, 'UTC') FROM orders WHERE workspace_id = $1
         ) x ORDER BY day`,
        [workspaceId],
      )
    ).map((d) => d.day);
    const windows = days.length;
    // Outside every window: rollups and logged changes go (nothing there to recompute).
    for (const [table, column] of ROLLUPS_IN_TIME) {
      await manager.query(
        `DELETE FROM ${table} WHERE workspace_id = $1 AND date_trunc('day', ${column}, 'UTC') <> ALL ($2::timestamptz[])`,
        [workspaceId, days],
      );
    }
    await manager.query(
      `UPDATE report_changes SET sign = 0
        WHERE workspace_id = $1 AND kind IN ('message', 'ended', 'taken') AND date_trunc('day', at, 'UTC') <> ALL ($2::timestamptz[])`,
      [workspaceId, days],
    );
    await manager.query(
      `DELETE FROM report_service_events e WHERE e.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM conversations k WHERE k.id = e.conversation_id)`,
      [workspaceId],
    );
    const ranges = await sqlRows(
      manager,
      z.object({ first_id: z.string(), last_id: z.string() }),
      `SELECT min(id::text)::uuid AS first_id, max(id::text)::uuid AS last_id
         FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $2 AS batch FROM conversations WHERE workspace_id = $1) x
        GROUP BY batch ORDER BY batch`,
      [workspaceId, REBUILD_CONVERSATIONS],
    );
    await manager.query('INSERT INTO report_rebuilds (workspace_id, recount_ids) VALUES ($1, $2::uuid[])', [workspaceId, recountIds]);
    await manager.query(
      `INSERT INTO report_rebuild_slices (workspace_id, slice, kind, from_at, to_at)
       SELECT $1, n - 1, 'window', d, d + interval '1 day' FROM unnest($2::timestamptz[]) WITH ORDINALITY w(d, n)`,
      [workspaceId, days],
    );
    await manager.query(
      `INSERT INTO report_rebuild_slices (workspace_id, slice, kind, first_id, last_id)
       SELECT $1, $2 + n - 1, 'conversations', f, l FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY r(f, l, n)`,
      [workspaceId, windows, ranges.map((r) => r.first_id), ranges.map((r) => r.last_id)],
    );
    await this.recounts.progress(recountIds, 0, windows + ranges.length);
    return true;
  }

  /** One connection's share of the slices: takes one not done (and not taken) at a time until none is left. */
  private async rebuildSlices(workspaceId: string, afterSlice: RebuildOptions['afterSlice']): Promise<void> {
    for (;;) {
      let took: boolean | null;
      try {
        took = await this.withLock(true, true, (manager) => this.rebuildOneSlice(manager, workspaceId));
      } catch (error) {
        // Another connection finished the slice this snapshot still saw as open: take the next one.
        if (error instanceof QueryFailedError && z.object({ code: z.literal('40001') }).safeParse(error.driverError).success) continue;
        throw error;
      }
      if (!took) return;
      const progress = await sqlRows(
        this.dataSource,
        z.object({ ids: z.array(z.string()), done: z.number(), total: z.number() }),
        `SELECT r.recount_ids::text[] AS ids, count(s.done_at)::int AS done, count(*)::int AS total
           FROM report_rebuilds r JOIN report_rebuild_slices s USING (workspace_id) WHERE r.workspace_id = $1 GROUP BY r.recount_ids`,
        [workspaceId],
      );
      const p = progress[0];
      if (p) await this.recounts.progress(p.ids, p.done, p.total);
      if (afterSlice) await afterSlice();
    }
  }

  /** Recomputes one slice not done yet (see rebuildWorkspace); false when none is left to take. */
  private async rebuildOneSlice(manager: EntityManager, workspaceId: string): Promise<boolean> {
    const slices = await sqlRows(
      manager,
      z.object({
        slice: z.number(),
        kind: z.string(),
        from_at: z.date().nullable(),
        to_at: z.date().nullable(),
        first_id: z.string().nullable(),
        last_id: z.string().nullable(),
      }),
      `SELECT slice, kind, from_at, to_at, first_id::text, last_id::text FROM report_rebuild_slices
        WHERE workspace_id = $1 AND done_at IS NULL ORDER BY slice LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [workspaceId],
    );
    const slice = slices[0];
    if (!slice) return false;
    if (slice.from_at && slice.to_at) {
      const params = [workspaceId, slice.from_at, slice.to_at];
      for (const [table, column] of ROLLUPS_IN_TIME) {
        await manager.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND ${column} >= $2 AND ${column} < $3`, params);
      }
      // The changes this snapshot saw in the window are in its recomputation: their own counts must not be added again.
      await manager.query(
        `UPDATE report_changes SET sign = 0 WHERE workspace_id = $1 AND kind IN ('message', 'ended', 'taken') AND at >= $2 AND at < $3 AND sign <> 0`,
        params,
      );
      await manager.query(
        `UPDATE report_changes c SET sign = 0 FROM executions e
          WHERE c.workspace_id = $1 AND c.kind = 'run' AND e.id = c.row_id AND e.started_at >= $2 AND e.started_at < $3`,
        params,
      );
      await manager.query(
        `UPDATE report_changes c SET sign = 0 FROM execution_steps s
          WHERE c.workspace_id = $1 AND c.kind = 'step' AND s.id = c.step_id AND s.started_at >= $2 AND s.started_at < $3`,
        params,
      );
      await this.recomputeWindow(manager, workspaceId, slice.from_at, slice.to_at);
    } else if (slice.first_id && slice.last_id) {
      // The service histograms are added up once when the rebuild finishes (per-statement upserts of its events would cost more).
      await manager.query(`SET LOCAL parley.report_hist_deferred = 'on'`);
      const conversations = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        'SELECT id::text FROM conversations WHERE workspace_id = $1 AND id >= $2::uuid AND id <= $3::uuid',
        [workspaceId, slice.first_id, slice.last_id],
      );
      await this.recomputeConversations(
        manager,
        workspaceId,
        conversations.map((c) => ({ id: c.id, since: null })),
      );
    }
    await manager.query('UPDATE report_rebuild_slices SET done_at = now() WHERE workspace_id = $1 AND slice = $2', [
      workspaceId,
      slice.slice,
    ]);
    return true;
  }

  /** When every slice is done: the histograms from the events, the plan removed; answers the recounts covered (false: slices left). */
  private async finishRebuild(manager: EntityManager, workspaceId: string): Promise<string[] | false> {
    const plan = await sqlRows(
      manager,
      z.object({ ids: z.array(z.string()), open: z.number() }),
      `SELECT r.recount_ids::text[] AS ids, (SELECT count(*)::int FROM report_rebuild_slices s WHERE s.workspace_id = r.workspace_id AND s.done_at IS NULL) AS open
         FROM report_rebuilds r WHERE r.workspace_id = $1`,
      [workspaceId],
    );
    const p = plan[0];
    // Another process finished it, or still works on a slice (it finishes the rebuild then).
    if (!p || p.open > 0) return false;
    await manager.query('DELETE FROM report_service_hist WHERE workspace_id = $1', [workspaceId]);
    await manager.query(REBUILD_SERVICE_HIST, [workspaceId]);
    await manager.query(REBUILD_SERVICE_TAG_HIST, [workspaceId]);
    // Discount requests: the windows wrote them without their chains (a customer's previous request may lie in another
    // window); every chain now, then the daily level at once rather than through its trigger row by row.
    await manager.query(`SET LOCAL parley.report_discount_deferred = 'on'`);
    await manager.query('SELECT parley_report_discount_chains($1, NULL)', [workspaceId]);
    await manager.query('SELECT parley_report_discount_days_refill($1)', [workspaceId]);
    await manager.query(`SET LOCAL parley.report_discount_deferred = 'off'`);
    await manager.query('DELETE FROM report_rebuilds WHERE workspace_id = $1', [workspaceId]);
    return p.ids;
  }

  /** Adds the batch's deltas to the rollups (see the class comment). */
  private async applyBatch(manager: EntityManager): Promise<void> {
    // Messages: their own counts, by the values the trigger logged.
    await manager.query(
      `${INSERT_HOURS}
       SELECT b.workspace_id, date_trunc('hour', b.at, 'UTC'), 'out', b.number_id, e.flow_id, e.flow_version_id, b.node_id, b.template,
              b.category, ${COUNTRY}, b.status, b.error_code, sum(b.sign), sum(b.sign * b.read_seconds)
         FROM report_batch b
         JOIN contacts c ON c.id = b.contact_id
         LEFT JOIN executions e ON e.id = b.execution_id
        WHERE b.kind = 'message' AND b.direction = 'outbound'
        GROUP BY 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12
       ${ADD_HOURS}`,
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT b.workspace_id, date_trunc('hour', b.at, 'UTC'), 'in', b.number_id, NULL::uuid, NULL::uuid, '', '', '', ${COUNTRY}, '', '', sum(b.sign), 0
         FROM report_batch b
         JOIN contacts c ON c.id = b.contact_id
        WHERE b.kind = 'message' AND b.direction = 'inbound'
        GROUP BY 1, 2, 4, 10
       ${ADD_HOURS}`,
    );
    // Runs and steps are only ever added.
    await manager.query(
      `${INSERT_HOURS}
       SELECT e.workspace_id, date_trunc('hour', e.started_at, 'UTC'), 'entered', NULL::uuid, e.flow_id, e.flow_version_id, '', '', '', '', '', '',
              sum(coalesce(b.sign, 1)), 0
         FROM report_batch b JOIN executions e ON e.id = b.row_id
        WHERE b.kind = 'run' AND NOT e.test_mode
        GROUP BY 1, 2, 5, 6
       ${ADD_HOURS}`,
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT e.workspace_id, date_trunc('hour', s.started_at, 'UTC'), 'step', NULL::uuid, e.flow_id, e.flow_version_id, s.node_id, '', '', '', '', '',
              sum(coalesce(b.sign, 1)), 0
         FROM report_batch b JOIN execution_steps s ON s.id = b.step_id JOIN executions e ON e.id = s.execution_id
        WHERE b.kind = 'step' AND s.attempt = 1 AND s.visit = 0 AND NOT e.test_mode
        GROUP BY 1, 2, 5, 6, 7
       ${ADD_HOURS}`,
    );
    // Runs ended (status = how) and connections taken (status = the output's name), by the signed values the triggers logged.
    await manager.query(
      `${INSERT_HOURS}
       SELECT b.workspace_id, date_trunc('hour', b.at, 'UTC'), b.kind, NULL::uuid, e.flow_id, e.flow_version_id,
              CASE WHEN b.kind = 'taken' THEN b.node_id ELSE '' END, '', '', '', b.status, '', sum(b.sign), 0
         FROM report_batch b JOIN executions e ON e.id = b.execution_id
        WHERE b.kind IN ('ended', 'taken') AND NOT e.test_mode
        GROUP BY 1, 2, 3, 5, 6, 7, 11
       ${ADD_HOURS}`,
    );
    // The same per tag of the contact (its tags now, as the round takes the change in).
    await manager.query(
      `${INSERT_TAGS}
       SELECT b.workspace_id, t.tag, date_trunc('hour', b.at, 'UTC'), CASE WHEN b.direction = 'outbound' THEN 'out' ELSE 'in' END, b.number_id,
              e.flow_id, e.flow_version_id, CASE WHEN b.direction = 'outbound' THEN b.node_id ELSE '' END,
              CASE WHEN b.direction = 'outbound' THEN b.status ELSE '' END, sum(b.sign), sum(b.sign * b.read_seconds)
         FROM report_batch b
         JOIN contact_tags t ON t.contact_id = b.contact_id
         LEFT JOIN executions e ON e.id = b.execution_id AND b.direction = 'outbound'
        WHERE b.kind = 'message'
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
       ${ADD_TAGS}`,
    );
    await manager.query(
      `${INSERT_TAGS}
       SELECT e.workspace_id, t.tag, date_trunc('hour', coalesce(s.started_at, e.started_at), 'UTC'), CASE WHEN b.kind = 'run' THEN 'entered' ELSE 'step' END,
              NULL::uuid, e.flow_id, e.flow_version_id, coalesce(s.node_id, ''), '', sum(coalesce(b.sign, 1)), 0
         FROM report_batch b
         LEFT JOIN execution_steps s ON b.kind = 'step' AND s.id = b.step_id
         JOIN executions e ON e.id = coalesce(s.execution_id, b.row_id)
         JOIN contact_tags t ON t.contact_id = e.contact_id
        WHERE NOT e.test_mode AND ((b.kind = 'run' AND b.step_id IS NULL) OR (b.kind = 'step' AND s.attempt = 1 AND s.visit = 0))
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
       ${ADD_TAGS}`,
    );
    // Replies: a message changes whether it is a reply itself, and whether the customer's next messages are.
    const replyCandidates = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      `SELECT DISTINCT id FROM (
         SELECT b.row_id AS id FROM report_batch b WHERE b.kind = 'message' AND b.direction = 'inbound'
         UNION ALL
         SELECT n.id FROM (SELECT DISTINCT contact_id, at FROM report_batch WHERE kind = 'message') b
           CROSS JOIN LATERAL (SELECT min(occurred_at) AS t FROM messages WHERE contact_id = b.contact_id AND occurred_at > b.at) nx
           JOIN messages n ON n.contact_id = b.contact_id AND n.occurred_at = nx.t AND n.direction = 'inbound'
       ) x`,
    );
    const replyIds = replyCandidates.map((r) => r.id);
    if (replyIds.length > 0) {
      await manager.query(
        `WITH old AS (DELETE FROM report_reply_facts WHERE message_id = ANY($1::uuid[]) RETURNING *) ${factsToHours('reply', 'old', -1)}`,
        [replyIds],
      );
      await manager.query(
        `WITH new AS (INSERT INTO report_reply_facts (message_id, ${FACT_COLUMNS}) ${replyFacts('i.id = ANY($1::uuid[])')} RETURNING *)
         ${factsToHours('reply', 'new', 1)}`,
        [replyIds],
      );
    }
    // Conversions: an order itself, and the orders an outbound flow message may convert (up to the longest window after it).
    const conversionCandidates = await sqlRows(
      manager,
      z.object({ id: z.string(), workspace_id: z.string() }),
      `SELECT DISTINCT o.id, o.workspace_id FROM (
         SELECT b.row_id AS id FROM report_batch b WHERE b.kind = 'order'
         UNION ALL
         SELECT o.id FROM (
           SELECT DISTINCT contact_id, at FROM report_batch WHERE kind = 'message' AND direction = 'outbound' AND execution_id IS NOT NULL
         ) b JOIN orders o ON o.contact_id = b.contact_id AND o.placed_at >= b.at AND o.placed_at < b.at + make_interval(days => $1)
       ) x JOIN orders o ON o.id = x.id`,
      [MAX_CONVERSION_DAYS],
    );
    if (conversionCandidates.length > 0) {
      const ids = conversionCandidates.map((r) => r.id);
      await manager.query(
        `WITH old AS (DELETE FROM report_conversion_facts WHERE order_id = ANY($1::uuid[]) RETURNING *) ${factsToHours('conversion', 'old', -1)}`,
        [ids],
      );
      for (const workspaceId of new Set(conversionCandidates.map((r) => r.workspace_id))) {
        const { settings } = await this.settings.get(workspaceId);
        await manager.query(
          `WITH new AS (
             INSERT INTO report_conversion_facts (order_id, ${FACT_COLUMNS}) ${conversionFacts('o.id = ANY($1::uuid[]) AND o.workspace_id = $2', '$3')}
             RETURNING *)
           ${factsToHours('conversion', 'new', 1)}`,
          [ids, workspaceId, settings.reports.conversionDays],
        );
      }
    }
    // Words and intents, by the values the trigger logged (text only for customers' messages that were not revoked).
    const texts = await sqlRows(
      manager,
      batchMessage,
      `SELECT workspace_id, date_trunc('hour', at, 'UTC') AS hour, number_id, sign::int AS sign, text FROM report_batch
        WHERE kind = 'message' AND text IS NOT NULL`,
    );
    const byWorkspace = new Map<string, z.infer<typeof batchMessage>[]>();
    for (const row of texts) {
      const list = byWorkspace.get(row.workspace_id) ?? [];
      list.push(row);
      byWorkspace.set(row.workspace_id, list);
    }
    for (const [workspaceId, rows] of byWorkspace) await this.addWords(manager, workspaceId, rows, true);
    await this.updateDiscountFacts(manager);
    await manager.query('DELETE FROM report_hours WHERE count = 0');
    await manager.query('DELETE FROM report_word_hours WHERE count = 0');
    await manager.query('DELETE FROM report_word_days WHERE count = 0');
    await manager.query('DELETE FROM report_tag_hours WHERE count = 0');
    // Service events: recomputed per changed conversation, from the earliest time its changes touch.
    const conversations = await sqlRows(
      manager,
      z.object({ workspace_id: z.string(), conversation_id: z.string(), since: z.date().nullable() }),
      `SELECT workspace_id, conversation_id, min(at) AS since FROM report_batch WHERE kind = 'conversation' GROUP BY 1, 2`,
    );
    const perWorkspace = new Map<string, { id: string; since: Date | null }[]>();
    for (const c of conversations) {
      const list = perWorkspace.get(c.workspace_id) ?? [];
      list.push({ id: c.conversation_id, since: c.since });
      perWorkspace.set(c.workspace_id, list);
    }
    for (const [workspaceId, ids] of perWorkspace) await this.recomputeConversations(manager, workspaceId, ids);
  }

  /**
   * Counts words and intents of texts (each with a sign) and adds them to
   * report_word_hours and its daily level report_word_days (`add`), or inserts
   * them (a rebuild's day window, whose rows it deleted).
   */
  private async addWords(
    manager: EntityManager,
    workspaceId: string,
    texts: { hour: Date; number_id: string; sign: number; text: string }[],
    add: boolean,
  ): Promise<void> {
    const { intents } = await this.settings.get(workspaceId);
    const hours = new Map<string, number>();
    const days = new Map<string, number>();
    const bump = (hour: Date, number: string, kind: string, term: string, sign: number): void => {
      const day = new Date(Date.UTC(hour.getUTCFullYear(), hour.getUTCMonth(), hour.getUTCDate()));
      const rest = [number, kind, term.slice(0, 200)];
      const hourKey = JSON.stringify([hour.toISOString(), ...rest]);
      const dayKey = JSON.stringify([day.toISOString(), ...rest]);
      hours.set(hourKey, (hours.get(hourKey) ?? 0) + sign);
      days.set(dayKey, (days.get(dayKey) ?? 0) + sign);
    };
    for (const row of texts) {
      for (const word of messageWords(row.text)) bump(row.hour, row.number_id, 'word', word, row.sign);
      // One pass per text for all the intents (asking each intent in turn was one search per keyword of every intent).
      for (const intent of intents.matchAll(row.text)) bump(row.hour, row.number_id, 'intent', intent, row.sign);
    }
    for (const [table, time, counts] of [
      ['report_word_hours', 'hour', hours],
      ['report_word_days', 'day', days],
    ] as const) {
      const rows = [...counts]
        .filter(([, count]) => count !== 0)
        .map(([key, count]) => ({ key: z.tuple([z.string(), z.string(), z.string(), z.string()]).parse(JSON.parse(key)), count }));
      for (let start = 0; start < rows.length; start += 5000) {
        const slice = rows.slice(start, start + 5000);
        await manager.query(
          `INSERT INTO ${table} (workspace_id, ${time}, number_id, kind, term, count)
           SELECT $1, * FROM unnest($2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::int[])
           ${add ? `ON CONFLICT (workspace_id, ${time}, number_id, kind, term) DO UPDATE SET count = ${table}.count + excluded.count` : ''}`,
          [
            workspaceId,
            slice.map((r) => r.key[0]),
            slice.map((r) => r.key[1]),
            slice.map((r) => r.key[2]),
            slice.map((r) => r.key[3]),
            slice.map((r) => r.count),
          ],
        );
      }
    }
  }

  /** Recomputes every rollup row of [from, to) from the raw rows (a rebuild; the window's rows were deleted before). */
  private async recomputeWindow(manager: EntityManager, workspaceId: string, from: Date, to: Date): Promise<void> {
    const { settings } = await this.settings.get(workspaceId);
    const params = [workspaceId, from, to];
    const within = (alias: string, column: string): string =>
      `${alias}.workspace_id = $1 AND ${alias}.${column} >= $2 AND ${alias}.${column} < $3`;
    // Outbound messages by their current status; seconds = time to read, summed over read ones.
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', m.occurred_at, 'UTC'), 'out', m.whatsapp_number_id, e.flow_id, e.flow_version_id, coalesce(m.node_id, ''),
              ${TEMPLATE_OF('m')}, coalesce(m.category, ''), ${COUNTRY}, coalesce(m.status, ''), coalesce(m.error_code, ''), count(*),
              sum(CASE WHEN m.status = 'read' THEN coalesce(extract(epoch FROM m.status_at - m.occurred_at), 0)::float8 ELSE 0 END)
         FROM messages m
         JOIN contacts c ON c.id = m.contact_id
         LEFT JOIN executions e ON e.id = m.execution_id
        WHERE ${within('m', 'occurred_at')} AND m.direction = 'outbound'
        GROUP BY 2, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
      params,
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', m.occurred_at, 'UTC'), 'in', m.whatsapp_number_id, NULL::uuid, NULL::uuid, '', '', '', ${COUNTRY}, '', '', count(*), 0
         FROM messages m
         JOIN contacts c ON c.id = m.contact_id
        WHERE ${within('m', 'occurred_at')} AND m.direction = 'inbound'
        GROUP BY 2, 4, 10`,
      params,
    );
    await manager.query(
      `WITH new AS (INSERT INTO report_reply_facts (message_id, ${FACT_COLUMNS}) ${replyFacts(within('i', 'occurred_at'))} RETURNING *)
       ${factsToHours('reply', 'new', 1)}`,
      params,
    );
    await manager.query(
      `WITH new AS (INSERT INTO report_conversion_facts (order_id, ${FACT_COLUMNS}) ${conversionFacts(within('o', 'placed_at'), '$4')} RETURNING *)
       ${factsToHours('conversion', 'new', 1)}`,
      [...params, settings.reports.conversionDays],
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', e.started_at, 'UTC'), 'entered', NULL::uuid, e.flow_id, e.flow_version_id, '', '', '', '', '', '', count(*), 0
         FROM executions e
        WHERE ${within('e', 'started_at')} AND NOT e.test_mode
        GROUP BY 2, 5, 6`,
      params,
    );
    // A step reached: its first attempt of its first visit in the execution.
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', s.started_at, 'UTC'), 'step', NULL::uuid, e.flow_id, e.flow_version_id, s.node_id, '', '', '', '', '', count(*), 0
         FROM execution_steps s
         JOIN executions e ON e.id = s.execution_id
        WHERE ${within('s', 'started_at')} AND s.attempt = 1 AND s.visit = 0 AND NOT e.test_mode
        GROUP BY 2, 5, 6, 7`,
      params,
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', coalesce(e.finished_at, e.started_at), 'UTC'), 'ended', NULL::uuid, e.flow_id, e.flow_version_id, '', '', '', '',
              e.status, '', count(*), 0
         FROM executions e
        WHERE e.workspace_id = $1 AND coalesce(e.finished_at, e.started_at) >= $2 AND coalesce(e.finished_at, e.started_at) < $3
          AND e.status IN ('succeeded', 'failed', 'cancelled') AND NOT e.test_mode
        GROUP BY 2, 5, 6, 11`,
      params,
    );
    await manager.query(
      `${INSERT_HOURS}
       SELECT $1, date_trunc('hour', s.started_at, 'UTC'), 'taken', NULL::uuid, e.flow_id, e.flow_version_id, s.node_id, '', '', '', s.output_name, '', count(*), 0
         FROM execution_steps s
         JOIN executions e ON e.id = s.execution_id
        WHERE ${within('s', 'started_at')} AND s.visit = 0 AND s.output_name IS NOT NULL AND NOT e.test_mode
        GROUP BY 2, 5, 6, 7, 11`,
      params,
    );
    // Per tag: messages, runs and steps of contacts with the tag (the facts were added with their counts above).
    await manager.query(
      `${INSERT_TAGS}
       SELECT $1, t.tag, date_trunc('hour', m.occurred_at, 'UTC'), CASE WHEN m.direction = 'outbound' THEN 'out' ELSE 'in' END, m.whatsapp_number_id,
              e.flow_id, e.flow_version_id, CASE WHEN m.direction = 'outbound' THEN coalesce(m.node_id, '') ELSE '' END,
              CASE WHEN m.direction = 'outbound' THEN coalesce(m.status, '') ELSE '' END, count(*),
              sum(CASE WHEN m.status = 'read' THEN coalesce(extract(epoch FROM m.status_at - m.occurred_at), 0)::float8 ELSE 0 END)
         FROM messages m
         JOIN contact_tags t ON t.contact_id = m.contact_id
         LEFT JOIN executions e ON e.id = m.execution_id AND m.direction = 'outbound'
        WHERE ${within('m', 'occurred_at')}
        GROUP BY 2, 3, 4, 5, 6, 7, 8, 9`,
      params,
    );
    await manager.query(
      `${INSERT_TAGS}
       SELECT $1, t.tag, date_trunc('hour', e.started_at, 'UTC'), 'entered', NULL::uuid, e.flow_id, e.flow_version_id, '', '', count(*), 0
         FROM executions e JOIN contact_tags t ON t.contact_id = e.contact_id
        WHERE ${within('e', 'started_at')} AND NOT e.test_mode
        GROUP BY 2, 3, 6, 7`,
      params,
    );
    await manager.query(
      `${INSERT_TAGS}
       SELECT $1, t.tag, date_trunc('hour', s.started_at, 'UTC'), 'step', NULL::uuid, e.flow_id, e.flow_version_id, s.node_id, '', count(*), 0
         FROM execution_steps s JOIN executions e ON e.id = s.execution_id JOIN contact_tags t ON t.contact_id = e.contact_id
        WHERE ${within('s', 'started_at')} AND s.attempt = 1 AND s.visit = 0 AND NOT e.test_mode
        GROUP BY 2, 3, 6, 7, 8`,
      params,
    );
    // Words and intents of customers' messages: tokenised here, by the one definition in metrics/words.
    const texts = await sqlRows(
      manager,
      customerText.extend({ hour: z.date() }),
      `SELECT m.id, m.contact_id, m.occurred_at AS at, date_trunc('hour', m.occurred_at, 'UTC') AS hour, m.whatsapp_number_id AS number_id, m.text
         FROM messages m
        WHERE ${within('m', 'occurred_at')} AND m.direction = 'inbound' AND m.text IS NOT NULL AND m.revoked_at IS NULL`,
      params,
    );
    await this.addWords(
      manager,
      workspaceId,
      texts.map((t) => ({ ...t, sign: 1 })),
      false,
    );
    await this.insertDiscountFacts(manager, workspaceId, texts, settings.reports.conversionDays);
  }

  /**
   * Discount requests (report_discount_facts) of the batch: the rows of the
   * customer messages it took are recomputed from the messages as they are now
   * (a text edited or revoked, a message moved), and the conversions of the
   * customers whose orders it took, from their orders (idempotent: a round
   * redone after a crash writes the same).
   */
  private async updateDiscountFacts(manager: EntityManager): Promise<void> {
    // The customers whose requests or orders change, each with the time of their first changed request (null: none
    // changed): their chains (report_discount_days) are recomputed from there below.
    const customers = new Map<string, Map<string, Date | null>>();
    const touch = (workspaceId: string, contactId: string, at: Date | null): void => {
      const since = customers.get(workspaceId) ?? new Map<string, Date | null>();
      const before = since.get(contactId) ?? null;
      since.set(contactId, before === null || (at !== null && at < before) ? at : before);
      customers.set(workspaceId, since);
    };
    const changed = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      `SELECT DISTINCT row_id AS id FROM report_batch WHERE kind = 'message' AND direction = 'inbound'`,
    );
    if (changed.length > 0) {
      const ids = changed.map((c) => c.id);
      const removed = await sqlRows(
        manager,
        z.object({ workspace_id: z.string(), contact_id: z.string(), at: z.date() }),
        'DELETE FROM report_discount_facts WHERE message_id = ANY($1::uuid[]) RETURNING workspace_id, contact_id, at',
        [ids],
      );
      for (const r of removed) touch(r.workspace_id, r.contact_id, r.at);
      const texts = await sqlRows(
        manager,
        customerText.extend({ workspace_id: z.string() }),
        `SELECT id, workspace_id, contact_id, occurred_at AS at, whatsapp_number_id AS number_id, text FROM messages
          WHERE id = ANY($1::uuid[]) AND direction = 'inbound' AND text IS NOT NULL AND revoked_at IS NULL`,
        [ids],
      );
      const byWorkspace = new Map<string, z.infer<typeof customerText>[]>();
      for (const t of texts) byWorkspace.set(t.workspace_id, [...(byWorkspace.get(t.workspace_id) ?? []), t]);
      for (const [workspaceId, rows] of byWorkspace) {
        const { settings } = await this.settings.get(workspaceId);
        for (const request of await this.insertDiscountFacts(manager, workspaceId, rows, settings.reports.conversionDays))
          touch(workspaceId, request.contact_id, request.at);
      }
    }
    const ordered = await sqlRows(
      manager,
      z.object({ workspace_id: z.string(), contact_id: z.string() }),
      `SELECT DISTINCT o.workspace_id, o.contact_id FROM report_batch b JOIN orders o ON o.id = b.row_id WHERE b.kind = 'order'`,
    );
    for (const workspaceId of new Set(ordered.map((o) => o.workspace_id))) {
      const { settings } = await this.settings.get(workspaceId);
      const contactIds = ordered.filter((o) => o.workspace_id === workspaceId).map((o) => o.contact_id);
      // Still touched when no conversion moved: their tags may have changed, which recomputes their requests.
      for (const contactId of contactIds) touch(workspaceId, contactId, null);
      const converted = await sqlRows(
        manager,
        z.object({ contact_id: z.string(), at: z.date() }),
        `UPDATE report_discount_facts f SET converted_at = c.at
           FROM (SELECT f.message_id, (${DISCOUNT_CONVERTED_AT('f', '$3')}) AS at FROM report_discount_facts f
                  WHERE f.workspace_id = $1 AND f.contact_id = ANY($2::uuid[])) c
          WHERE f.message_id = c.message_id AND f.converted_at IS DISTINCT FROM c.at
          RETURNING f.contact_id, f.at`,
        [workspaceId, contactIds, settings.reports.conversionDays],
      );
      for (const r of converted) touch(workspaceId, r.contact_id, r.at);
    }
    for (const [workspaceId, since] of customers) {
      if (since.size > 0)
        await manager.query('SELECT parley_report_discount_chains_from($1, $2::uuid[], $3::timestamptz[])', [
          workspaceId,
          [...since.keys()],
          [...since.values()],
        ]);
    }
  }

  /**
   * Adds the customer texts that have the discount intent as discount requests, with their conversion (none stored for
   * them yet); returns the requests. Their chains are left to the caller (a round's customers, a rebuild's finish).
   */
  private async insertDiscountFacts(
    manager: EntityManager,
    workspaceId: string,
    texts: readonly z.infer<typeof customerText>[],
    conversionDays: number,
  ): Promise<z.infer<typeof customerText>[]> {
    const { intents } = await this.settings.get(workspaceId);
    const requests = texts.filter((t) => intents.matchAll(t.text).includes(DISCOUNT_INTENT));
    for (let start = 0; start < requests.length; start += 5000) {
      const slice = requests.slice(start, start + 5000);
      await manager.query(
        `INSERT INTO report_discount_facts (message_id, workspace_id, contact_id, at, number_id, converted_at)
         SELECT x.message_id, $1, x.contact_id, x.at, x.number_id, (${DISCOUNT_CONVERTED_AT('x', '$6')})
           FROM unnest($2::uuid[], $3::uuid[], $4::timestamptz[], $5::uuid[]) AS x(message_id, contact_id, at, number_id)`,
        [
          workspaceId,
          slice.map((t) => t.id),
          slice.map((t) => t.contact_id),
          slice.map((t) => t.at),
          slice.map((t) => t.number_id),
          conversionDays,
        ],
      );
    }
    return requests;
  }

  /**
   * Replaces the service events of conversations. With `since` (the earliest
   * time a change touched), it resumes after the conversation's last
   * resolution before then (see serviceEvents): only later cycles are read
   * and replaced, so a long conversation is not re-read on each message.
   */
  private async recomputeConversations(
    manager: EntityManager,
    workspaceId: string,
    changed: { id: string; since: Date | null }[],
  ): Promise<void> {
    const { settings } = await this.settings.get(workspaceId);
    const hours = businessHoursOf(settings.reports);
    const ids = changed.map((c) => c.id);
    const resumes = await sqlRows(
      manager,
      z.object({ id: z.string(), cycle: z.number(), at: z.date() }),
      `SELECT DISTINCT ON (e.conversation_id) e.conversation_id AS id, e.cycle, e.at
         FROM report_service_events e
         JOIN unnest($1::uuid[], $2::timestamptz[]) x(id, since) ON e.conversation_id = x.id
        WHERE e.kind = 'resolution' AND e.at < date_trunc('milliseconds', x.since)
        ORDER BY e.conversation_id, e.at DESC, e.cycle DESC`,
      [ids, changed.map((c) => c.since)],
    );
    const resume = new Map(resumes.map((r) => [r.id, r]));
    const lastCycle = ids.map((id) => resume.get(id)?.cycle ?? -1);
    const from = ids.map((id) => resume.get(id)?.at ?? null);
    await manager.query(
      `DELETE FROM report_service_events e USING unnest($1::uuid[], $2::int[]) x(id, cycle) WHERE e.conversation_id = x.id AND e.cycle > x.cycle`,
      [ids, lastCycle],
    );
    const conversations = await sqlRows(
      manager,
      z.object({ id: z.string(), number_id: z.string() }),
      'SELECT id, whatsapp_number_id AS number_id FROM conversations WHERE id = ANY($1::uuid[]) AND workspace_id = $2',
      [ids, workspaceId],
    );
    // What grew with the table (docs/BENCHMARKS.md, ingest at 10 M): for a round's ~10,000 conversations the planner hashed
    // the whole messages (and notes) table, a sequential scan per round (3.7 s of 4.5 s at 3 M, spilling to disk). Each
    // conversation's rows are now read through its index (conversation_id, occurred_at) from the resume time: the
    // LATERAL subquery with OFFSET 0 is not flattened into a join, and the bound is an index condition (written as
    // "since IS NULL OR occurred_at >= since" it was only a filter, reading each conversation's whole history).
    // A customer message right after another one (in the fold's order: by time, a customer's before anything else at the
    // same instant), with no activity line in between, changes nothing in serviceEvents (the cycle is open and the
    // customer already waits), so it is not sent here: a conversation where the customer keeps writing and nobody
    // resolves it no longer ships its whole open cycle to the round each time (docs/BENCHMARKS.md, ingest at 10 M).
    const messages = await sqlRows(
      manager,
      z.object({ conversation_id: z.string(), direction: z.string(), sent_by_user_id: z.string().nullable(), occurred_at: z.date() }),
      `SELECT m.conversation_id, m.direction, m.sent_by_user_id, m.occurred_at
         FROM unnest($1::uuid[], $2::timestamptz[]) x(id, since)
         CROSS JOIN LATERAL (
           SELECT m.conversation_id, m.direction, m.sent_by_user_id, m.occurred_at,
                  lag(m.direction) OVER w AS prev_direction, lag(m.occurred_at) OVER w AS prev_at
             FROM messages m
            WHERE m.conversation_id = x.id AND m.occurred_at >= coalesce(x.since, '-infinity')
           WINDOW w AS (ORDER BY m.occurred_at, m.direction <> 'inbound')
         ) m
        WHERE m.direction <> 'inbound' OR m.prev_direction IS DISTINCT FROM 'inbound'
           OR EXISTS (SELECT 1 FROM conversation_notes n
                       WHERE n.conversation_id = x.id AND n.kind = 'activity' AND n.occurred_at >= m.prev_at AND n.occurred_at < m.occurred_at)`,
      [ids, from],
    );
    const notes = await sqlRows(
      manager,
      z.object({
        conversation_id: z.string(),
        author_user_id: z.string().nullable(),
        text: z.string(),
        details: z.unknown(),
        occurred_at: z.date(),
      }),
      `SELECT n.conversation_id, n.author_user_id, n.text, n.details, n.occurred_at
         FROM unnest($1::uuid[], $2::timestamptz[]) x(id, since)
         CROSS JOIN LATERAL (
           SELECT n.conversation_id, n.author_user_id, n.text, n.details, n.occurred_at FROM conversation_notes n
            WHERE n.conversation_id = x.id AND n.kind = 'activity' AND n.occurred_at >= coalesce(x.since, '-infinity') OFFSET 0
         ) n`,
      [ids, from],
    );
    const items = new Map<string, ServiceItem[]>();
    const add = (id: string, item: ServiceItem): void => {
      const list = items.get(id) ?? [];
      list.push(item);
      items.set(id, list);
    };
    for (const m of messages) {
      if (m.direction === 'inbound') add(m.conversation_id, { kind: 'customer', at: m.occurred_at });
      else if (m.sent_by_user_id) add(m.conversation_id, { kind: 'agent', at: m.occurred_at, userId: m.sent_by_user_id });
      else add(m.conversation_id, { kind: 'bot', at: m.occurred_at });
    }
    for (const n of notes) {
      const item = activityItem(n.details, n.text, n.occurred_at, n.author_user_id);
      if (item) add(n.conversation_id, item);
    }
    const rows: (string | number | null)[][] = [];
    for (const conversation of conversations) {
      const after = resume.get(conversation.id);
      // Items at the resolution's own instant were handled before it, except a reopening (ordered after it).
      const replay = (items.get(conversation.id) ?? []).filter(
        (item) =>
          !after || item.at.getTime() > after.at.getTime() || (item.at.getTime() === after.at.getTime() && item.kind === 'reopened'),
      );
      // Whole cycles are replayed, so the first reply of each agent in a cycle is known here (the histograms count handled cycles by it).
      const replied = new Set<string>();
      for (const e of serviceEvents(replay, hours, settings.timeZone, (after?.cycle ?? -1) + 1)) {
        const key = `${e.cycle}:${e.userId ?? ''}`;
        const firstReply = e.kind === 'reply' && !replied.has(key);
        if (firstReply) replied.add(key);
        rows.push([
          conversation.id,
          conversation.number_id,
          e.cycle,
          e.kind,
          e.at.toISOString(),
          e.userId,
          e.seconds,
          e.businessSeconds,
          firstReply ? 'true' : 'false',
        ]);
      }
    }
    for (let start = 0; start < rows.length; start += 5000) {
      const slice = rows.slice(start, start + 5000);
      const column = (i: number): unknown[] => slice.map((r) => r[i] ?? null);
      await manager.query(
        // Each event keeps its contact's tags as of now (sorted): the per-tag histograms add and take away exactly these.
        `INSERT INTO report_service_events (workspace_id, conversation_id, number_id, cycle, kind, at, user_id, seconds, business_seconds, first_reply, tags)
         SELECT $1, x.*, coalesce(t.tags, '{}')
           FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::timestamptz[], $7::uuid[], $8::float8[], $9::float8[], $10::boolean[])
                AS x(conversation_id, number_id, cycle, kind, at, user_id, seconds, business_seconds, first_reply)
           LEFT JOIN (SELECT k.id, array_agg(ct.tag ORDER BY ct.tag) AS tags
                        FROM conversations k JOIN contact_tags ct ON ct.contact_id = k.contact_id
                       WHERE k.id = ANY($2::uuid[]) GROUP BY k.id) t ON t.id = x.conversation_id`,
        [workspaceId, column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7), column(8)],
      );
    }
  }
}

const activityDetails = z.object({ event: z.string(), status: z.string().optional() }).loose();

/**
 * A conversation's activity line as a service item: a flow's hand-over, and
 * status changes (resolved, reopened, handed back to the bot). Older lines
 * carry no status in their details, so the activity text tells.
 */
export function activityItem(details: unknown, text: string, at: Date, userId: string | null): ServiceItem | null {
  const parsed = activityDetails.safeParse(details);
  if (!parsed.success) return null;
  if (parsed.data.event === 'hand_over') return { kind: 'handoff', at };
  if (parsed.data.event !== 'set_status') return null;
  const status = parsed.data.status ?? (text.endsWith(' resolved it') ? 'resolved' : text.endsWith(' reopened it') ? 'open' : 'pending');
  if (status === 'resolved') return { kind: 'resolved', at, userId };
  if (status === 'open') return { kind: 'reopened', at, userId };
  return { kind: 'to_bot', at };
}
