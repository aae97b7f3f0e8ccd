import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { lastScheduledTime, messageStatusDefinition, scheduleDefinition } from '@parley/nodes';
import { scheduleAudienceCondition } from '../logic/schedule-audience';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { DatabaseClock } from '../common/database-clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { WhatsAppTemplatesService } from '../whatsapp/whatsapp-templates.service';
import { readWorkspaceSettings } from '../workspaces/workspace-settings';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';
import { PeriodicTask } from '../common/periodic-task';

const publishedRow = z.object({ flow_id: z.string(), workspace_id: z.string(), version_id: z.string(), published_at: z.date() });
const contactRow = z.object({ contact_id: z.string() });
/** Advisory lock so only one process prunes at a time. */
const PRUNE_LOCK = 4_729_002;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 5000;
/** Unread checks look back this far past the threshold, so a restart does not lose them. */
const UNREAD_LOOKBACK_MS = 24 * 3_600_000;
/** The audience of a schedule tick, on the tick's parameters below. */
const AUDIENCE = scheduleAudienceCondition({ tags: '$6', excludeTags: '$7', list: '$8', unansweredForHours: '$9', now: '$5' });

/**
 * Time-driven events: schedule ticks for "On a schedule" flows (one event per
 * audience contact, created in one statement with the run record, so a tick
 * runs once and whole), "not read within N hours" checks, and pruning of old
 * executions. Everything is idempotent by source id, so several workers may
 * run it side by side.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly task = new PeriodicTask(this.logger, 'Scheduler run failed');
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly dispatcher: Dispatcher,
    private readonly templates: WhatsAppTemplatesService,
    private readonly clock: Clock,
    private readonly databaseClock: DatabaseClock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.SCHEDULER_INTERVAL_MS, async () => {
      await this.runOnce();
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        await this.prune();
      }
    });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /**
   * Creates due schedule ticks and unread events; returns how many contacts got work.
   * What is due is decided on the database's clock, shared by every process, so a
   * host whose clock runs ahead does not start a campaign early.
   */
  async runOnce(): Promise<number> {
    const clock = await sqlRow(this.dataSource, z.object({ now: z.date() }), 'SELECT coalesce($1::timestamptz, now()) AS now', [
      this.databaseClock.fixed(),
    ]);
    const now = clock?.now ?? this.clock.now();
    const contacts = new Set<string>();
    for (const id of await this.scheduleTicks(now)) contacts.add(id);
    for (const id of await this.unreadChecks(now)) contacts.add(id);
    await this.dispatcher.dispatch([...contacts].map((id) => ({ kind: 'contact' as const, id })));
    await this.templates.syncDue();
    return contacts.size;
  }

  private async published(triggerType: string): Promise<z.infer<typeof publishedRow>[]> {
    return sqlRows(
      this.dataSource,
      publishedRow,
      `SELECT f.id AS flow_id, f.workspace_id, v.id AS version_id, v.created_at AS published_at
         FROM flows f JOIN flow_versions v ON v.id = f.published_version_id WHERE v.trigger_type = $1`,
      [triggerType],
    );
  }

  private async scheduleTicks(now: Date): Promise<string[]> {
    const touched: string[] = [];
    for (const flow of await this.published(scheduleDefinition.type)) {
      const compiled = await this.versions.get(flow.version_id);
      const config = scheduleDefinition.configSchema.safeParse(compiled.trigger.config);
      if (!config.success) continue;
      const tick = lastScheduledTime(config.data, now);
      // Never a time from before the version was published, nor one missed by more than the catch-up window.
      if (
        !tick ||
        tick < flow.published_at ||
        now.getTime() - tick.getTime() > config.data.catchUpHours * 3_600_000 + this.config.SCHEDULER_INTERVAL_MS
      )
        continue;
      const audience = config.data.audience;
      const rows = await this.dataSource.transaction(async (manager) => {
        const run = await sqlRow(
          manager,
          z.object({ flow_id: z.string() }),
          'INSERT INTO schedule_runs (flow_id, tick_at, workspace_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING flow_id',
          [flow.flow_id, tick, flow.workspace_id],
        );
        if (!run) return [];
        const inserted = await sqlRows(
          manager,
          contactRow,
          `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
           SELECT c.workspace_id, c.id, 'schedule.tick', 'schedule', $2 || ':' || $3 || ':' || c.id, $4, $5,
                  jsonb_build_object('flowId', $2::text, 'tickAt', $3::text, 'data', '{}'::jsonb)
             FROM contacts c
            WHERE c.workspace_id = $1
              AND ${AUDIENCE}
           ON CONFLICT (workspace_id, source, source_id) DO NOTHING
           RETURNING contact_id`,
          [
            flow.workspace_id,
            flow.flow_id,
            tick.toISOString(),
            tick,
            now,
            audience.tags,
            audience.excludeTags,
            audience.list,
            audience.unansweredForHours,
          ],
        );
        await manager.query('UPDATE schedule_runs SET contacts = $3 WHERE flow_id = $1 AND tick_at = $2', [
          flow.flow_id,
          tick,
          inserted.length,
        ]);
        return inserted;
      });
      if (rows.length > 0) this.logger.log(`Flow ${flow.flow_id}: ${tick.toISOString()} tick for ${rows.length} contact(s)`);
      touched.push(...rows.map((r) => r.contact_id));
    }
    return touched;
  }

  private async unreadChecks(now: Date): Promise<string[]> {
    const thresholds = new Map<string, Set<number>>();
    for (const flow of await this.published(messageStatusDefinition.type)) {
      const compiled = await this.versions.get(flow.version_id);
      const config = messageStatusDefinition.configSchema.safeParse(compiled.trigger.config);
      if (!config.success || config.data.status !== 'not_read') continue;
      const set = thresholds.get(flow.workspace_id) ?? new Set<number>();
      set.add(config.data.hours);
      thresholds.set(flow.workspace_id, set);
    }
    const touched: string[] = [];
    for (const [workspaceId, hoursSet] of thresholds) {
      for (const hours of hoursSet) {
        const until = new Date(now.getTime() - hours * 3_600_000);
        const rows = await sqlRows(
          this.dataSource,
          contactRow,
          `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
           SELECT m.workspace_id, m.contact_id, 'message.not_read', 'whatsapp_unread', m.wamid || ':' || $4::text || 'h', $3, $3,
                  jsonb_build_object('wamid', m.wamid, 'hours', $4::int, 'sentAt', m.occurred_at, 'flowId', e.flow_id)
             FROM messages m LEFT JOIN executions e ON e.id = m.execution_id
            WHERE m.workspace_id = $1 AND m.direction = 'outbound' AND m.status IN ('accepted', 'sent', 'delivered')
              AND m.occurred_at <= $2 AND m.occurred_at > $5
           ON CONFLICT (workspace_id, source, source_id) DO NOTHING
           RETURNING contact_id`,
          [workspaceId, until, now, hours, new Date(until.getTime() - UNREAD_LOOKBACK_MS)],
        );
        touched.push(...rows.map((r) => r.contact_id));
      }
    }
    return touched;
  }

  /**
   * Deletes finished executions (with their steps), processed events no run
   * points at, and processed webhook bodies, older than each workspace's
   * retention. Running, waiting and held executions are never pruned.
   */
  async prune(): Promise<{ executions: number; events: number; deliveries: number }> {
    const totals = { executions: 0, events: 0, deliveries: 0 };
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const lock = await sqlRow(runner, z.object({ locked: z.boolean() }), 'SELECT pg_try_advisory_lock($1) AS locked', [PRUNE_LOCK]);
      if (!lock?.locked) return totals;
      try {
        const workspaces = await sqlRows(
          runner,
          z.object({ id: z.string(), settings: z.unknown() }),
          'SELECT id, settings FROM workspaces',
        );
        let oldestCutoff = this.clock.now();
        for (const workspace of workspaces) {
          const cutoff = new Date(
            this.clock.now().getTime() - readWorkspaceSettings(workspace.settings).executionRetentionDays * 86_400_000,
          );
          if (cutoff < oldestCutoff) oldestCutoff = cutoff;
          for (;;) {
            const deleted = await sqlRows(
              runner,
              z.object({ id: z.string() }),
              `DELETE FROM executions WHERE id IN (
                 SELECT id FROM executions WHERE workspace_id = $1 AND status IN ('succeeded', 'failed', 'cancelled', 'skipped') AND finished_at < $2 LIMIT ${PRUNE_BATCH})
               RETURNING id`,
              [workspace.id, cutoff],
            );
            totals.executions += deleted.length;
            if (deleted.length < PRUNE_BATCH) break;
          }
          for (;;) {
            const deleted = await sqlRows(
              runner,
              z.object({ id: z.string() }),
              `DELETE FROM events WHERE id IN (
                 SELECT e.id FROM events e WHERE e.workspace_id = $1 AND e.processed_at IS NOT NULL AND e.occurred_at < $2
                    AND NOT EXISTS (SELECT 1 FROM executions x WHERE x.trigger_event_id = e.id)
                    AND NOT EXISTS (SELECT 1 FROM waits w WHERE w.trigger_event_id = e.id)
                  LIMIT ${PRUNE_BATCH})
               RETURNING id::text AS id`,
              [workspace.id, cutoff],
            );
            totals.events += deleted.length;
            if (deleted.length < PRUNE_BATCH) break;
          }
        }
        const deliveries = await sqlRows(
          runner,
          z.object({ id: z.string() }),
          'DELETE FROM webhook_deliveries WHERE processed_at IS NOT NULL AND received_at < $1 RETURNING id::text AS id',
          [oldestCutoff],
        );
        totals.deliveries = deliveries.length;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK]);
      }
    } finally {
      await runner.release();
    }
    if (totals.executions + totals.events + totals.deliveries > 0) this.logger.log(`Pruned ${JSON.stringify(totals)}`);
    return totals;
  }
}
