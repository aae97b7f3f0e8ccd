import {
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../auth/principal';
import { Clock } from '../../common/clock';
import { PeriodicTask } from '../../common/periodic-task';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import { isTransientDatabaseError } from '../../database/transient-database-error';
import { Dispatcher } from '../../dispatch/dispatcher';
import type { ExecutionMatchInput } from '../execution-match.schema';
import type { ExecutionStatus } from '../execution-status';
import { ExecutionRetriesService } from '../execution-retries.service';
import { ExecutionStore } from '../execution-store.service';
import { type ExecutionMatch, ExecutionsService } from '../executions.service';
import type { RetryVersion } from '../retry-decision';
import { EngineMetrics } from '../../metrics/engine-metrics';
import { type BulkAction, type BulkJobRow, actionableStatuses, bulkJobRow } from './bulk-execution-job';

const LEASE_MS = 60_000;
/** Executions a batch acts on in one transaction (a fixed number of statements whatever its size). */
const BATCH = 500;
const MAX_REST_MS = 1000;
/** Attempts at one batch that a deadlock or a busy database rolled back, before the job waits for its lease to lapse. */
const BATCH_ATTEMPTS = 5;

export interface BulkRequest {
  action: BulkAction;
  filter: ExecutionMatchInput;
  excluded: readonly string[];
  /** Retry only: continue each run on its own version, or on its flow's published version now. */
  onVersion?: RetryVersion;
}

/** The filter narrowed to what the action can act on (a status the user chose outside that set matches nothing). */
function actionMatch(request: BulkRequest): ExecutionMatch {
  const allowed: readonly ExecutionStatus[] = actionableStatuses(request.action);
  const chosen =
    request.filter.status === undefined
      ? allowed
      : typeof request.filter.status === 'string'
        ? [request.filter.status]
        : request.filter.status;
  return { ...request.filter, status: chosen.filter((s) => allowed.includes(s)), excludeIds: request.excluded };
}

/** The filter as stored on the job (dates as ISO text), for the trail and the job view. */
function storedFilter(filter: ExecutionMatchInput): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(JSON.parse(JSON.stringify(filter)));
}

/** JSON with keys sorted, so a filter read back from jsonb (which reorders keys) compares equal to the one sent. */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Bulk retry and bulk cancel by filter. The engine counts first (preview); a
 * job starts only when the admin confirms that count, freezes the set of
 * executions it will act on, and works through it in the background in small
 * batches, each batch set-based through the execution store (one statement
 * moves all its executions). A request key makes a start idempotent: sent
 * twice, it answers the same job. Each item's outcome commits with what was
 * done to its execution, so a job resumed after a crash never acts twice on
 * one execution.
 */
@Injectable()
export class BulkExecutionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(BulkExecutionsService.name);
  private readonly resume = new PeriodicTask(this.logger, 'Resuming bulk execution jobs failed');
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly executions: ExecutionsService,
    private readonly dispatcher: Dispatcher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly retries: ExecutionRetriesService,
    private readonly store: ExecutionStore,
    private readonly metrics: EngineMetrics,
  ) {}

  onModuleInit(): void {
    this.resume.start(LEASE_MS / 2, () => this.resumeAbandoned());
  }

  async onModuleDestroy(): Promise<void> {
    this.resume.stop();
    await Promise.allSettled([...this.running.values()]);
  }

  async preview(workspaceId: string, request: BulkRequest): Promise<{ action: BulkAction; count: number; excludedMatching: number }> {
    const match = actionMatch(request);
    const [count, withExcluded] = await Promise.all([
      this.executions.count(workspaceId, match),
      request.excluded.length === 0 ? null : this.executions.count(workspaceId, { ...match, excludeIds: [] }),
    ]);
    return { action: request.action, count, excludedMatching: withExcluded === null ? 0 : withExcluded - count };
  }

  async start(
    principal: Principal,
    request: BulkRequest & { requestKey: string; expectedCount: number },
  ): Promise<{ job: BulkJobRow; created: boolean }> {
    const existing = await this.byKey(principal.workspaceId, request.requestKey);
    if (existing) return { job: this.sameRequest(existing, request), created: false };
    const match = actionMatch(request);
    const created = await this.dataSource.transaction(async (manager) => {
      // A second start with the same key waits here on the unique key until the first commits, then finds its job.
      const job = await sqlRow(
        manager,
        bulkJobRow,
        `INSERT INTO bulk_execution_jobs (workspace_id, request_key, action, filter, excluded, total, created_by, created_at, on_version)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
         ON CONFLICT (workspace_id, request_key) DO NOTHING
         RETURNING *`,
        [
          principal.workspaceId,
          request.requestKey,
          request.action,
          JSON.stringify(storedFilter(request.filter)),
          request.excluded,
          principal.userId,
          this.clock.now(),
          request.onVersion ?? 'same',
        ],
      );
      if (!job) return null;
      // The whole set in one statement, in the explorer's order (newest first).
      const matching = this.executions.matchingIdsSql(principal.workspaceId, match);
      const jobParameter = matching.parameters.length + 1;
      const frozen = await manager.query(
        `WITH items AS (INSERT INTO bulk_execution_job_items (job_id, execution_id, position)
                        SELECT $${jobParameter}::uuid, m.id, m.position FROM (${matching.sql}) m RETURNING 1)
         SELECT count(*)::int AS total FROM items`,
        [...matching.parameters, job.id],
      );
      const total = z.array(z.object({ total: z.number() })).parse(frozen)[0]?.total ?? 0;
      if (total !== request.expectedCount) {
        throw new HttpException(
          {
            statusCode: 409,
            error: 'Conflict',
            message: `expectedCount: ${total} executions match now, not ${request.expectedCount}; check the new count and confirm again.`,
            count: total,
          },
          409,
        );
      }
      await manager.query('UPDATE bulk_execution_jobs SET total = $2 WHERE id = $1', [job.id, total]);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: `executions.bulk_${request.action}_started`,
          subjectType: 'bulk_job',
          subjectId: job.id,
          details: {
            count: total,
            filter: storedFilter(request.filter),
            excluded: request.excluded,
            ...(job.on_version === 'latest' ? { onVersion: 'latest' } : {}),
          },
        },
        manager,
      );
      return { ...job, total };
    });
    if (!created) {
      const raced = await this.byKey(principal.workspaceId, request.requestKey);
      if (!raced) throw new ConflictException('requestKey: a job with this key is being created; ask again.');
      return { job: this.sameRequest(raced, request), created: false };
    }
    this.kick(created.id);
    return { job: created, created: true };
  }

  async get(workspaceId: string, id: string): Promise<BulkJobRow> {
    const job = await sqlRow(this.dataSource, bulkJobRow, 'SELECT * FROM bulk_execution_jobs WHERE id = $1 AND workspace_id = $2', [
      id,
      workspaceId,
    ]);
    if (!job) throw new NotFoundException('No such bulk job in this workspace.');
    return job;
  }

  async recent(workspaceId: string): Promise<BulkJobRow[]> {
    return sqlRows(
      this.dataSource,
      bulkJobRow,
      'SELECT * FROM bulk_execution_jobs WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT 20',
      [workspaceId],
    );
  }

  /** Resolves when the jobs this process is running are done (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async byKey(workspaceId: string, requestKey: string): Promise<BulkJobRow | undefined> {
    return sqlRow(this.dataSource, bulkJobRow, 'SELECT * FROM bulk_execution_jobs WHERE workspace_id = $1 AND request_key = $2', [
      workspaceId,
      requestKey,
    ]);
  }

  private sameRequest(job: BulkJobRow, request: BulkRequest): BulkJobRow {
    const same =
      job.action === request.action &&
      job.on_version === (request.onVersion ?? 'same') &&
      canonical(job.filter) === canonical(storedFilter(request.filter)) &&
      JSON.stringify([...job.excluded].sort()) === JSON.stringify([...request.excluded].sort());
    if (!same) throw new ConflictException('requestKey: already used for a different bulk action; use a new key.');
    return job;
  }

  private kick(id: string): void {
    if (this.running.has(id)) return;
    const run = this.run(id)
      .catch((error: unknown) => this.logger.warn(`Bulk job ${id} stopped: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async resumeAbandoned(): Promise<void> {
    const jobs = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      `SELECT id FROM bulk_execution_jobs WHERE status = 'running' AND (lease_until IS NULL OR lease_until < $1) LIMIT 10`,
      [this.clock.now()],
    );
    for (const job of jobs) this.kick(job.id);
  }

  /** Takes (or renews) the job's lease; false when another process holds it or the job is done. */
  private async lease(id: string, renew: boolean): Promise<boolean> {
    const now = this.clock.now();
    const row = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE bulk_execution_jobs SET lease_until = $2
        WHERE id = $1 AND status = 'running' AND (${renew ? 'true' : 'lease_until IS NULL OR lease_until < $3'}) RETURNING id`,
      renew ? [id, new Date(now.getTime() + LEASE_MS)] : [id, new Date(now.getTime() + LEASE_MS), now],
    );
    return row !== undefined;
  }

  private async run(id: string): Promise<void> {
    if (!(await this.lease(id, false))) return;
    const job = await sqlRow(this.dataSource, bulkJobRow, 'SELECT * FROM bulk_execution_jobs WHERE id = $1', [id]);
    if (!job) return;
    for (;;) {
      const began = performance.now();
      const contacts = await this.batchWithRetries(job);
      if (contacts === null) break;
      if (contacts.length > 0)
        await this.dispatcher.dispatch([...new Set(contacts)].map((contactId) => ({ kind: 'contact' as const, id: contactId })));
      await this.lease(id, true);
      // Live traffic gets the database between batches: the job rests as long as its batch took (at most a second), so
      // it never takes more than about half of the time the database and this process have.
      await new Promise((resolve) => setTimeout(resolve, Math.min(performance.now() - began, MAX_REST_MS)));
    }
    const finished = await sqlRow(
      this.dataSource,
      bulkJobRow,
      `UPDATE bulk_execution_jobs SET status = 'done', finished_at = $2, lease_until = NULL WHERE id = $1 AND status = 'running' RETURNING *`,
      [id, this.clock.now()],
    );
    if (finished)
      await this.audit.record({
        workspaceId: finished.workspace_id,
        actorUserId: finished.created_by,
        action: `executions.bulk_${finished.action}_finished`,
        subjectType: 'bulk_job',
        subjectId: finished.id,
        details: { total: finished.total, succeeded: finished.succeeded, skipped: finished.skipped },
      });
  }

  /**
   * A batch rolled back whole by a deadlock (the engine's contact pass holds the
   * rows of the runs it works on until it commits) is tried again at once after
   * a short rest: waiting for the lease to lapse would freeze the admin's
   * progress bar for a minute. Other failures, or a database that stays away,
   * stop the run; another pass resumes it when its lease lapses.
   */
  private async batchWithRetries(job: BulkJobRow): Promise<string[] | null> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction((manager) => this.runBatch(manager, job));
      } catch (error) {
        if (attempt >= BATCH_ATTEMPTS || !isTransientDatabaseError(error)) throw error;
        this.logger.warn(`Bulk job ${job.id}: batch rolled back (${error instanceof Error ? error.message : String(error)}), trying again`);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
      }
    }
  }

  /**
   * Acts on the next batch of the job's items and records each outcome, in the
   * caller's transaction: the items and their executions change together or
   * not at all, so a job stopped anywhere resumes with exactly the items not
   * acted on. The items are locked (SKIP LOCKED), so a second runner of the
   * same job takes other items or none. Returns the contacts to dispatch, or
   * null when nothing is left.
   */
  private async runBatch(manager: EntityManager, job: BulkJobRow): Promise<string[] | null> {
    const items = await sqlRows(
      manager,
      z.object({ execution_id: z.string(), state: z.enum(['pending', 'claimed']) }),
      `SELECT execution_id, state FROM bulk_execution_job_items WHERE job_id = $1 AND state IN ('pending', 'claimed')
        ORDER BY position LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [job.id],
    );
    if (items.length === 0) return null;
    const settled: { executionId: string; state: 'done' | 'skipped' | 'unknown'; outcome: string | null }[] = [];
    // Claimed by a run of an earlier engine (which claimed one item at a time) that stopped before recording it: never act twice.
    for (const item of items.filter((i) => i.state === 'claimed'))
      settled.push({ executionId: item.execution_id, state: 'unknown', outcome: 'the job stopped while acting on it; not acted on again' });
    const pending = items.filter((i) => i.state === 'pending').map((i) => i.execution_id);
    const contacts: string[] = [];
    const actor = { workspaceId: job.workspace_id, userId: job.created_by };
    if (job.action === 'retry') {
      const outcomes = await this.retries.retryMany(manager, actor, pending, { resendUnknown: false, onVersion: job.on_version });
      for (const outcome of outcomes) {
        if (outcome.retried) contacts.push(outcome.contactId);
        settled.push({
          executionId: outcome.executionId,
          state: outcome.retried ? 'done' : 'skipped',
          outcome: outcome.retried ? null : outcome.reason,
        });
      }
    } else {
      // One statement for the whole batch; an execution that ended meanwhile (or that an earlier run of this job
      // cancelled) is not active any more, so it is skipped, never cancelled twice.
      const cancelled = await this.store.cancelMany(manager, pending, 'cancelled_by_user', this.clock.now());
      if (cancelled.length > 0) this.metrics.executionsFinished.inc({ status: 'cancelled' }, cancelled.length);
      const ended = new Set(cancelled);
      for (const executionId of pending)
        settled.push({
          executionId,
          state: ended.has(executionId) ? 'done' : 'skipped',
          outcome: ended.has(executionId) ? null : 'no longer active',
        });
      await this.audit.recordMany(
        cancelled.map((executionId) => ({
          workspaceId: job.workspace_id,
          actorUserId: job.created_by,
          action: 'execution.cancelled',
          subjectType: 'execution',
          subjectId: executionId,
        })),
        manager,
      );
    }
    await manager.query(
      `UPDATE bulk_execution_job_items i SET state = t.state, outcome = t.outcome
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(execution_id, state, outcome)
        WHERE i.job_id = $1 AND i.execution_id = t.execution_id`,
      [job.id, settled.map((s) => s.executionId), settled.map((s) => s.state), settled.map((s) => s.outcome)],
    );
    const done = settled.filter((s) => s.state === 'done').length;
    await manager.query(
      `UPDATE bulk_execution_jobs SET processed = processed + $2, succeeded = succeeded + $3, skipped = skipped + $4 WHERE id = $1`,
      [job.id, settled.length, done, settled.length - done],
    );
    return contacts;
  }
}
