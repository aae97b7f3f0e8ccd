import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';
import { WORK_QUEUE } from '../dispatch/work-queue';
import { EngineMetrics } from './engine-metrics';

/** A scrape never waits on a sick database or Redis longer than this. */
const READ_TIMEOUT_MS = 2000;

const backlogRow = z.object({ queue: z.string(), depth: z.coerce.number(), oldest: z.date().nullable() });
const activeRow = z.object({ status: z.string(), count: z.coerce.number() });
const healthRow = z.object({ name: z.string(), status: z.string() });
const poolShape = z.object({ totalCount: z.number(), idleCount: z.number(), waitingCount: z.number() });

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS).unref(),
    ),
  ]);
}

/**
 * Gauges read from PostgreSQL and Redis when Prometheus scrapes: the backlog
 * of each kind of work and the age of its oldest item, active executions,
 * BullMQ job counts, the connection pool and the Cloud API health state.
 * Every process reports the same database figures (take max() across
 * instances); the pool gauges are each process's own. The queries use the
 * partial indexes of pending rows, so a scrape stays cheap on large tables.
 */
@Injectable()
export class OperationalGauges implements OnApplicationShutdown {
  private redis: Redis | null = null;
  private queue: Queue | null = null;
  /** Both backlog gauges come from one query per scrape. */
  private backlogReading: { at: number; rows: Promise<z.infer<typeof backlogRow>[]> } | null = null;

  constructor(
    private readonly metrics: EngineMetrics,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {
    metrics.gauge(
      'parley_work_backlog',
      'Work not yet done: webhook deliveries and events not processed, timed waits past due',
      ['queue'],
      (g) => this.read('backlog', g, () => this.backlog(g, 'depth')),
    );
    metrics.gauge('parley_work_backlog_oldest_seconds', 'Age of the oldest item of each backlog (0 when empty)', ['queue'], (g) =>
      this.read('backlog_age', g, () => this.backlog(g, 'oldest')),
    );
    metrics.gauge('parley_executions_active', 'Executions not yet ended, by status (running, waiting, held)', ['status'], (g) =>
      this.read('executions', g, async () => {
        const rows = await sqlRows(
          this.dataSource,
          activeRow,
          `SELECT status, count(*) AS count FROM executions WHERE status IN ('running', 'waiting', 'held') GROUP BY status`,
        );
        for (const status of ['running', 'waiting', 'held']) g.set({ status }, rows.find((r) => r.status === status)?.count ?? 0);
      }),
    );
    metrics.gauge(
      'parley_cloud_api_degraded',
      'WhatsApp Cloud API health: 1 after consecutive slow or failed calls, 0 when healthy',
      [],
      (g) =>
        this.read('cloud_api_health', g, async () => {
          const rows = await sqlRows(
            this.dataSource,
            healthRow,
            `SELECT name, status FROM service_health WHERE name = 'whatsapp_cloud_api'`,
          );
          g.set(rows[0]?.status === 'degraded' ? 1 : 0);
        }),
    );
    metrics.gauge(
      'parley_db_pool_connections',
      "This process's PostgreSQL pool: open, idle, and callers waiting for one",
      ['state'],
      async (g) => {
        const pool = poolShape.safeParse(Reflect.get(this.dataSource.driver, 'master'));
        if (!pool.success) return;
        g.set({ state: 'total' }, pool.data.totalCount);
        g.set({ state: 'idle' }, pool.data.idleCount);
        g.set({ state: 'waiting' }, pool.data.waitingCount);
      },
    );
    metrics.gauge('parley_db_pool_max', 'Size limit of the PostgreSQL pool (DATABASE_POOL_SIZE)', [], async (g) => {
      g.set(this.config.DATABASE_POOL_SIZE);
    });
    if (config.REDIS_URL) {
      const url = config.REDIS_URL;
      metrics.gauge('parley_bullmq_jobs', 'Jobs of the BullMQ work queue by state', ['state'], (g) =>
        this.read('bullmq', g, async () => {
          this.redis ??= new Redis(url, { maxRetriesPerRequest: 1, connectionName: 'parley-metrics', lazyConnect: true });
          this.queue ??= new Queue(WORK_QUEUE, { connection: this.redis, prefix: config.REDIS_PREFIX });
          const counts = await this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed');
          for (const [state, count] of Object.entries(counts)) g.set({ state }, count);
        }),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    this.redis?.disconnect();
  }

  /** Runs one reading; on failure the gauge is emptied (no stale figure) and the failure counted. */
  private async read(source: string, gauge: { reset(): void }, reading: () => Promise<void>): Promise<void> {
    try {
      await withTimeout(reading());
    } catch {
      gauge.reset();
      this.metrics.scrapeErrors.inc({ source });
    }
  }

  private async backlog(gauge: { set(labels: { queue: string }, value: number): void }, figure: 'depth' | 'oldest'): Promise<void> {
    const now = this.clock.now();
    // Wall time, not the engine's clock (a test's manual clock stands still between scrapes).
    if (!this.backlogReading || Date.now() - this.backlogReading.at > 1000) {
      this.backlogReading = { at: Date.now(), rows: this.backlogRows(now) };
    }
    const rows = await this.backlogReading.rows;
    for (const row of rows) {
      const value = figure === 'depth' ? row.depth : row.oldest ? Math.max(0, (now.getTime() - row.oldest.getTime()) / 1000) : 0;
      gauge.set({ queue: row.queue }, value);
    }
  }

  private backlogRows(now: Date): Promise<z.infer<typeof backlogRow>[]> {
    return sqlRows(
      this.dataSource,
      backlogRow,
      `SELECT 'webhook_deliveries' AS queue, count(*) AS depth, min(received_at) AS oldest FROM webhook_deliveries WHERE processed_at IS NULL
       UNION ALL
       SELECT 'events', count(*), min(received_at) FROM events WHERE processed_at IS NULL
       UNION ALL
       SELECT 'waits_due', count(*), min(due_at) FROM waits WHERE status = 'waiting' AND due_at <= $1`,
      [now],
    );
  }
}
