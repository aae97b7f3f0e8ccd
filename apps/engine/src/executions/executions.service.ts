import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { z } from 'zod';
import { ParkedWebhooksService } from '../hooks/parked-webhooks.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { FlowVersion } from '../flows/flow-version.entity';
import { viewFlowVersion } from '../flows/flow-view';
import { ExecutionRetriesService } from './execution-retries.service';
import { ExecutionStore } from './execution-store.service';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';
import type { ExecutionStatus } from './execution-status';
import type { RetryOptions } from './retry-decision';

/** Which executions: every filter of the explorer (all optional, combined with AND). */
export interface ExecutionMatch {
  flowId?: string;
  flowVersionId?: string;
  contactId?: string;
  /** Name or number of the contact (part of it). */
  contact?: string;
  status?: ExecutionStatus | readonly ExecutionStatus[];
  errorCode?: string;
  /** The node a failed execution failed at. */
  failedStep?: string;
  /** Active executions past their expected time (see STUCK_AFTER_MS). */
  stuck?: boolean;
  testRuns?: 'include' | 'exclude' | 'only';
  /** Leave these out (a bulk action's exceptions). */
  excludeIds?: readonly string[];
  from?: Date;
  to?: Date;
}

export interface ExecutionFilter extends ExecutionMatch {
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
}

/**
 * An execution is stuck when it has been running this long without a step
 * finishing, or its wait came due this long ago and nothing picked it up.
 */
export const STUCK_AFTER_MS = 15 * 60 * 1000;

function viewExecution(execution: Execution) {
  return {
    id: execution.id,
    flowId: execution.flowId,
    flowVersionId: execution.flowVersionId,
    contactId: execution.contactId,
    triggerEventId: execution.triggerEventId,
    status: execution.status,
    endedReason: execution.endedReason,
    holdReason: execution.holdReason,
    testMode: execution.testMode,
    skipWaits: execution.skipWaits,
    currentNodeId: execution.currentNodeId,
    errorCode: execution.errorCode,
    errorMessage: execution.errorMessage,
    startedAt: execution.startedAt.toISOString(),
    finishedAt: execution.finishedAt?.toISOString() ?? null,
  };
}

function viewStep(step: ExecutionStep) {
  return {
    sequence: step.sequence,
    nodeId: step.nodeId,
    nodeType: step.nodeType,
    nodeTypeVersion: step.nodeTypeVersion,
    status: step.status,
    visit: step.visit,
    attempt: step.attempt,
    decision: step.decision,
    input: step.input,
    output: step.output,
    outputName: step.outputName,
    errorCode: step.errorCode,
    errorMessage: step.errorMessage,
    startedAt: step.startedAt.toISOString(),
    finishedAt: step.finishedAt?.toISOString() ?? null,
    durationMs: step.durationMs,
  };
}

const contactRow = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  phone_e164: z.string().nullable(),
  wa_id: z.string().nullable(),
});
const versionRow = z.object({ id: z.string(), version: z.number(), kind: z.enum(['published', 'test']) });

/** Who an execution ran for, and which version it ran, as lists and the replay show them. */
interface ExecutionContext {
  contact: { id: string; name: string | null; phone: string | null } | null;
  version: { number: number; kind: 'published' | 'test' } | null;
}

const NO_CONTEXT: ExecutionContext = { contact: null, version: null };

const pendingWaitRow = z.object({
  node_id: z.string().nullable(),
  kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
  due_at: z.date().nullable(),
  event_type: z.string().nullable(),
});

function encodeCursor(execution: Execution): string {
  return Buffer.from(`${execution.startedAt.toISOString()}|${execution.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } | null {
  const [startedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!startedAt || !id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const date = new Date(startedAt);
  return Number.isNaN(date.getTime()) ? null : { startedAt: date, id };
}

/** Reads executions and their steps, newest first, always within one workspace. */
@Injectable()
export class ExecutionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ExecutionStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly parkedWebhooks: ParkedWebhooksService,
    private readonly retries: ExecutionRetriesService,
  ) {}

  /**
   * Runs a failed execution again from the step that failed, on its own
   * version or on the flow's latest published one. The step's earlier
   * refused send may go again (a person decided so); a send whose outcome is
   * unknown goes again only when asked explicitly (it may have reached the
   * customer). Returns the contact whose work must be dispatched.
   */
  async retry(principal: Principal, id: string, options: RetryOptions): Promise<{ contactId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const [outcome] = await this.retries.retryMany(manager, principal, [id], options);
      if (!outcome) throw new NotFoundException('No such execution in this workspace.');
      if (!outcome.retried) {
        if (outcome.notFound) throw new NotFoundException(outcome.reason);
        throw new ConflictException(outcome.reason);
      }
      return { contactId: outcome.contactId };
    });
  }

  /** Cancels a running, waiting or held execution (e.g. one stuck on a wait nobody needs any more). */
  async cancel(principal: Principal, id: string): Promise<void> {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id, workspaceId: principal.workspaceId } });
    if (!execution) throw new NotFoundException('No such execution in this workspace.');
    const cancelled = await this.dataSource.transaction(async (manager) => {
      const ended = await this.store.end(manager, id, 'cancelled', 'cancelled_by_user', this.clock.now());
      if (ended)
        await this.audit.record(
          {
            workspaceId: principal.workspaceId,
            actorUserId: principal.userId,
            action: 'execution.cancelled',
            subjectType: 'execution',
            subjectId: id,
          },
          manager,
        );
      return ended;
    });
    if (!cancelled) throw new ConflictException(`Only an active execution can be cancelled (this one is ${execution.status}).`);
  }

  /** The customer (name and number) and the version of each execution, in two queries for a whole page. */
  private async contexts(workspaceId: string, executions: readonly Execution[]): Promise<Map<string, ExecutionContext>> {
    const contactIds = [...new Set(executions.map((e) => e.contactId).filter((id): id is string => id !== null))];
    const versionIds = [...new Set(executions.map((e) => e.flowVersionId))];
    const [contacts, versions] = await Promise.all([
      contactIds.length === 0
        ? []
        : sqlRows(
            this.dataSource,
            contactRow,
            'SELECT id, display_name, phone_e164, wa_id FROM contacts WHERE workspace_id = $1 AND id = ANY($2)',
            [workspaceId, contactIds],
          ),
      sqlRows(this.dataSource, versionRow, 'SELECT id, version, kind FROM flow_versions WHERE workspace_id = $1 AND id = ANY($2)', [
        workspaceId,
        versionIds,
      ]),
    ]);
    const contactById = new Map(contacts.map((c) => [c.id, c]));
    const versionById = new Map(versions.map((v) => [v.id, v]));
    const result = new Map<string, ExecutionContext>();
    for (const execution of executions) {
      const contact = execution.contactId ? contactById.get(execution.contactId) : undefined;
      const version = versionById.get(execution.flowVersionId);
      result.set(execution.id, {
        contact: contact
          ? { id: contact.id, name: contact.display_name, phone: contact.phone_e164 ?? (contact.wa_id ? `+${contact.wa_id}` : null) }
          : null,
        version: version ? { number: version.version, kind: version.kind } : null,
      });
    }
    return result;
  }

  /** Executions of the workspace matching `match`, newest first. */
  private matching(workspaceId: string, match: ExecutionMatch): SelectQueryBuilder<Execution> {
    const query = this.dataSource
      .getRepository(Execution)
      .createQueryBuilder('e')
      .where('e.workspaceId = :workspaceId', { workspaceId })
      .orderBy('e.startedAt', 'DESC')
      .addOrderBy('e.id', 'DESC');
    if (match.flowId) query.andWhere('e.flowId = :flowId', { flowId: match.flowId });
    if (match.flowVersionId) query.andWhere('e.flowVersionId = :flowVersionId', { flowVersionId: match.flowVersionId });
    if (match.contactId) query.andWhere('e.contactId = :contactId', { contactId: match.contactId });
    if (match.contact) {
      const digits = match.contact.replace(/[^\d]/g, '');
      query.andWhere(
        // The matching contacts first (at most 1,000), then their executions by id: as a row-by-row filter the
        // planner walked every execution newest first looking for the few of one customer.
        `e.contactId = ANY(ARRAY(SELECT c.id FROM contacts c WHERE c.workspace_id = :workspaceId
           AND (c.display_name ILIKE :contactName ${digits.length >= 3 ? 'OR c.wa_id LIKE :contactDigits OR c.phone_e164 LIKE :contactDigits' : ''})
           LIMIT 1000))`,
        { contactName: `%${match.contact.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, contactDigits: `%${digits}%` },
      );
    }
    if (typeof match.status === 'string') query.andWhere('e.status = :status', { status: match.status });
    else if (match.status) query.andWhere('e.status IN (:...statuses)', { statuses: match.status.length > 0 ? match.status : ['none'] });
    if (match.errorCode) query.andWhere('e.errorCode = :errorCode', { errorCode: match.errorCode });
    if (match.failedStep) query.andWhere(`e.status = 'failed' AND e.currentNodeId = :failedStep`, { failedStep: match.failedStep });
    if (match.stuck) {
      const before = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
      // The stuck set is computed first (running ones by the status index, overdue waits by their due index) and
      // matched by id: a filter the planner could apply row by row made it walk every execution newest first.
      query.andWhere(
        `e.status IN ('running', 'waiting') AND e.id = ANY(ARRAY(
           SELECT r.id FROM executions r WHERE r.workspace_id = :workspaceId AND r.status = 'running' AND r.updated_at < :stuckBefore
           UNION ALL
           SELECT w.execution_id FROM waits w
            WHERE w.workspace_id = :workspaceId AND w.status = 'waiting' AND w.due_at < :stuckBefore AND w.execution_id IS NOT NULL))`,
        { stuckBefore: before },
      );
    }
    if (match.testRuns === 'exclude') query.andWhere('e.testMode = false');
    if (match.testRuns === 'only') query.andWhere('e.testMode = true');
    if (match.excludeIds && match.excludeIds.length > 0) query.andWhere('e.id NOT IN (:...excludeIds)', { excludeIds: match.excludeIds });
    if (match.from) query.andWhere('e.startedAt >= :from', { from: match.from });
    if (match.to) query.andWhere('e.startedAt < :to', { to: match.to });
    return query;
  }

  /**
   * The health strip: runs and failures in [from, to) against the period of the
   * same length before it, and what is active now (waiting, held, stuck).
   */
  async health(workspaceId: string, from: Date, to: Date) {
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const stuckBefore = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
    const row = await sqlRow(
      this.dataSource,
      z.object({
        runs: z.number(),
        failures: z.number(),
        previous_runs: z.number(),
        previous_failures: z.number(),
        waiting: z.number(),
        held: z.number(),
        running: z.number(),
        stuck: z.number(),
      }),
      `SELECT
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT test_mode) AS runs,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND status = 'failed' AND started_at >= $2 AND started_at < $3 AND NOT test_mode) AS failures,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND started_at >= $4 AND started_at < $2 AND NOT test_mode) AS previous_runs,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND status = 'failed' AND started_at >= $4 AND started_at < $2 AND NOT test_mode) AS previous_failures,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND status = 'waiting') AS waiting,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND status = 'held') AS held,
         (SELECT count(*)::int FROM executions WHERE workspace_id = $1 AND status = 'running') AS running,
         (SELECT count(*)::int FROM executions e WHERE e.workspace_id = $1 AND e.status IN ('running', 'waiting') AND e.id = ANY(ARRAY(
            SELECT r.id FROM executions r WHERE r.workspace_id = $1 AND r.status = 'running' AND r.updated_at < $5
            UNION ALL
            SELECT w.execution_id FROM waits w WHERE w.workspace_id = $1 AND w.status = 'waiting' AND w.due_at < $5 AND w.execution_id IS NOT NULL))) AS stuck`,
      [workspaceId, from, to, previousFrom, stuckBefore],
    );
    // Only the workspace's own: a parked delivery's error can quote a customer's message.
    const parked = await this.parkedWebhooks.list(workspaceId, 20);
    const rate = (failures: number, runs: number) => (runs === 0 ? null : failures / runs);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      runs: row?.runs ?? 0,
      failures: row?.failures ?? 0,
      failureRate: rate(row?.failures ?? 0, row?.runs ?? 0),
      previous: {
        runs: row?.previous_runs ?? 0,
        failures: row?.previous_failures ?? 0,
        failureRate: rate(row?.previous_failures ?? 0, row?.previous_runs ?? 0),
      },
      running: row?.running ?? 0,
      waiting: row?.waiting ?? 0,
      held: row?.held ?? 0,
      stuck: row?.stuck ?? 0,
      stuckAfterMinutes: STUCK_AFTER_MS / 60_000,
      parkedWebhooks: parked.map((p) => ({ id: p.id, receivedAt: p.receivedAt, lastError: p.lastError, attempts: p.attempts })),
    };
  }

  /** How many executions match (what a bulk action would act on, before exclusions). */
  async count(workspaceId: string, match: ExecutionMatch): Promise<number> {
    return this.matching(workspaceId, match).getCount();
  }

  /**
   * The SQL (and its parameters, $1 to $n) selecting the ids of the matching
   * executions with their place newest first (`id`, `position` from 1): a
   * bulk job freezes its whole set with it in one INSERT ... SELECT. Not a
   * cursor: rows that share a start time (to the microsecond, as SQL's now()
   * writes them) would be cut by a millisecond cursor.
   */
  matchingIdsSql(workspaceId: string, match: ExecutionMatch): { sql: string; parameters: unknown[] } {
    const [sql, parameters] = this.matching(workspaceId, match)
      .select('e.id', 'id')
      .addSelect('e.startedAt', 'started_at')
      .getQueryAndParameters();
    return {
      sql: `SELECT m.id, row_number() OVER (ORDER BY m.started_at DESC, m.id DESC) AS position FROM (${sql}) m`,
      parameters,
    };
  }

  async list(workspaceId: string, filter: ExecutionFilter) {
    const query = this.matching(workspaceId, filter).take(filter.limit + 1);
    if (filter.cursor) {
      const cursor = decodeCursor(filter.cursor);
      if (!cursor) throw new BadRequestException('cursor: not a cursor this API gave out; start again without one.');
      query.andWhere('(e.startedAt, e.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.startedAt, cursorId: cursor.id });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const contexts = await this.contexts(workspaceId, page);
    return {
      data: page.map((execution) => ({ ...viewExecution(execution), ...(contexts.get(execution.id) ?? NO_CONTEXT) })),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(workspaceId: string, id: string) {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id, workspaceId } });
    if (!execution) throw new NotFoundException('No such execution in this workspace.');
    const [steps, wait] = await Promise.all([
      this.dataSource.getRepository(ExecutionStep).find({ where: { executionId: id, workspaceId }, order: { sequence: 'ASC' } }),
      sqlRow(
        this.dataSource,
        pendingWaitRow,
        `SELECT node_id, kind, due_at, event_type FROM waits WHERE execution_id = $1 AND status = 'waiting' ORDER BY created_at DESC LIMIT 1`,
        [id],
      ),
    ]);
    const pendingWait = wait
      ? { nodeId: wait.node_id, kind: wait.kind, dueAt: wait.due_at?.toISOString() ?? null, eventType: wait.event_type }
      : null;
    const contexts = await this.contexts(workspaceId, [execution]);
    return { ...viewExecution(execution), ...(contexts.get(execution.id) ?? NO_CONTEXT), pendingWait, steps: steps.map(viewStep) };
  }

  /** The exact flow version an execution ran (published, or the draft frozen for a test run), for replaying it. */
  async flowVersion(workspaceId: string, id: string) {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id, workspaceId } });
    if (!execution) throw new NotFoundException('No such execution in this workspace.');
    const version = await this.dataSource.getRepository(FlowVersion).findOneOrFail({ where: { id: execution.flowVersionId, workspaceId } });
    return { ...viewFlowVersion(version), kind: version.kind };
  }

  /**
   * Ends the wait of a waiting test run now, so nobody sits through a
   * three-day delay to see the rest of a flow: a delay passes, a "wait for
   * a reply" takes its timeout branch. Live runs are never hurried.
   * Returns the contact whose work must be dispatched.
   */
  async skipWait(principal: Principal, id: string): Promise<{ contactId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const execution = await sqlRow(
        manager,
        z.object({ contact_id: z.string(), status: z.string(), test_mode: z.boolean() }),
        'SELECT contact_id, status, test_mode FROM executions WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [id, principal.workspaceId],
      );
      if (!execution) throw new NotFoundException('No such execution in this workspace.');
      if (!execution.test_mode) throw new ConflictException('Only a test run can skip its waits; live runs wait as the flow says.');
      const skipped = await this.store.skipTestWait(manager, id);
      if (!skipped) throw new ConflictException(`This test run is not waiting (it is ${execution.status}).`);
      return { contactId: execution.contact_id };
    });
  }
}
