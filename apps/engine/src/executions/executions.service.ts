import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
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
import { countTerms, type CountTerm } from './health-count-terms';

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

/** The health strip counts what is active now up to this many (and says "at least"). */
export const HEALTH_COUNT_CAP = 10_000;

/**
 * Stuck runs are counted from the executions each time (stuck is a matter of
 * time, which no trigger sees), one probe per run: up to this many. Counting
 * to 10,000 took 0.8 s with 100,000 stuck at 10 M executions; past a
 * thousand, the strip's "1,000+" asks for the same action as the exact number.
 */
export const STUCK_COUNT_CAP = 1_000;

/**
 * The ids of the workspace's stuck executions: running ones whose last change
 * is older than `before` (by the partial index of running executions) and
 * waiting ones whose wait came due before it (by the waits' due index). Driven
 * from these two small sets, never by walking every execution: stuck runs are
 * few, however many executions there are.
 */
function stuckIdsSql(workspace: string, before: string): string {
  return `SELECT r.id FROM executions r WHERE r.workspace_id = ${workspace} AND r.status = 'running' AND r.updated_at < ${before}
          UNION ALL
          SELECT w.execution_id FROM waits w
           WHERE w.workspace_id = ${workspace} AND w.status = 'waiting' AND w.due_at < ${before} AND w.execution_id IS NOT NULL`;
}

/** How a page reads the data-dependent filters (`ExecutionsService.readPlan`). */
interface ReadPlan {
  /** The contacts the search matched, when there are few. */
  contactIds?: string[];
  /** The search matched many contacts: walk the runs newest first. */
  contactWalk?: boolean;
  /** Many runs are stuck: walk the active runs newest first. */
  stuckWalk?: boolean;
}

/**
 * Up to this many matching contacts, a page reads each one's first runs by
 * contact and merges them (at most a page's worth per contact, from the
 * contact index); past it, it walks the runs newest first (each probe then
 * finds a match often enough that a page costs fewer reads than the merge).
 */
const CONTACTS_READ_BY_CONTACT = 2_000;

/** Below this many stuck runs, a page fetches them as a set; from it on, it walks the active runs. */
const STUCK_READ_AS_SET = 2_000;

/** A contact search's SQL condition on `c` (name, or number when it has 3 digits or more), given its parameters' places. */
function contactSearch(text: string): { condition: (name: string, digits: string) => string; name: string; digits: string | null } {
  const digits = text.replace(/[^\d]/g, '');
  const byNumber = digits.length >= 3;
  return {
    condition: (name, digitsPlace) =>
      // One expression for both numbers, the one its trigram index covers (migration 1765275000001).
      `(c.display_name ILIKE ${name}${byNumber ? ` OR (coalesce(c.wa_id, '') || ' ' || coalesce(c.phone_e164, '')) LIKE ${digitsPlace}` : ''})`,
    name: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    digits: byNumber ? `%${digits}%` : null,
  };
}

/** `sql` with its parameter places $1..$n moved to $(1 + offset)..$(n + offset), to sit after other parts' parameters. */
function shiftPlaces(sql: string, offset: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

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
  /** Active, and nothing happened for STUCK_AFTER_MS past when it should have (the health strip's "stuck"). */
  stuck: boolean;
}

const NO_CONTEXT: ExecutionContext = { contact: null, version: null, stuck: false };

const sideEffectRow = z.object({
  idempotency_key: z.string(),
  node_id: z.string().nullable(),
  kind: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'unknown']),
  code: z.string().nullable(),
  message: z.string().nullable(),
  wamid: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

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

  /**
   * The customer (name and number), the version and whether it is stuck, of
   * each execution: a few queries for a whole page (the overdue waits only
   * when the page has waiting runs).
   */
  private async contexts(workspaceId: string, executions: readonly Execution[]): Promise<Map<string, ExecutionContext>> {
    const contactIds = [...new Set(executions.map((e) => e.contactId).filter((id): id is string => id !== null))];
    const versionIds = [...new Set(executions.map((e) => e.flowVersionId))];
    const stuckBefore = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
    const waitingIds = executions.filter((e) => e.status === 'waiting').map((e) => e.id);
    const [contacts, versions, overdue] = await Promise.all([
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
      waitingIds.length === 0
        ? []
        : sqlRows(
            this.dataSource,
            z.object({ execution_id: z.string() }),
            `SELECT w.execution_id FROM waits w
              WHERE w.workspace_id = $1 AND w.execution_id = ANY($2) AND w.execution_id IS NOT NULL AND w.status = 'waiting' AND w.due_at < $3`,
            [workspaceId, waitingIds, stuckBefore],
          ),
    ]);
    const overdueIds = new Set(overdue.map((row) => row.execution_id));
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
        stuck:
          (execution.status === 'running' && execution.updatedAt < stuckBefore) ||
          (execution.status === 'waiting' && overdueIds.has(execution.id)),
      });
    }
    return result;
  }

  /** Executions of the workspace matching `match`, newest first. */
  private matching(workspaceId: string, match: ExecutionMatch, plan: ReadPlan = {}): SelectQueryBuilder<Execution> {
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
      const search = contactSearch(match.contact);
      const condition = search.condition(':contactName', ':contactDigits');
      query.setParameters({ contactName: search.name, contactDigits: search.digits });
      // (A page over a few matching contacts reads each one's runs instead: `pagePartSql`.)
      if (plan.contactWalk) {
        // Many matching contacts: the runs newest first, each one's contact probed by its key until the page is
        // full (the matches are common, so a page is found early). A per-row subquery, so the planner cannot
        // turn it into a join that reads every match's runs and sorts them.
        query.andWhere(`(SELECT ${condition} FROM contacts c WHERE c.id = e.contact_id) IS TRUE`);
      } else {
        query.andWhere(`e.contactId IN (SELECT c.id FROM contacts c WHERE c.workspace_id = :workspaceId AND ${condition})`);
      }
    }
    if (typeof match.status === 'string') query.andWhere('e.status = :status', { status: match.status });
    else if (match.status) query.andWhere('e.status IN (:...statuses)', { statuses: match.status.length > 0 ? match.status : ['none'] });
    if (match.errorCode) query.andWhere('e.errorCode = :errorCode', { errorCode: match.errorCode });
    if (match.failedStep) query.andWhere(`e.status = 'failed' AND e.currentNodeId = :failedStep`, { failedStep: match.failedStep });
    if (match.stuck) {
      const before = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
      query.setParameters({ stuckBefore: before });
      if (plan.stuckWalk) {
        // Many stuck runs: the active runs newest first, each one's wait probed by its key (stuck runs are then
        // common enough that a page is found early); fetching and sorting a large stuck set took seconds.
        // A read of one status gets that status's condition alone: with both, the planner counted the status twice
        // (once more inside the OR), expected 20 times fewer matches than there are, and with a time range
        // chose to fetch, probe and sort every waiting run of the range (1.8 s) over the walk.
        const running = `(e.status = 'running' AND e.updatedAt < :stuckBefore)`;
        const waiting = `(e.status = 'waiting' AND (SELECT w.due_at FROM waits w
                  WHERE w.execution_id = e.id AND w.status = 'waiting' AND w.execution_id IS NOT NULL) < :stuckBefore)`;
        if (match.status === 'running') query.andWhere(running);
        else if (match.status === 'waiting') query.andWhere(waiting);
        else query.andWhere(`(${running} OR ${waiting})`);
      } else {
        // Matched by id against the stuck set (a semi-join the planner drives from that small set): as a row-by-row
        // filter it walked every execution newest first, and as an id array it compared each row with every stuck id.
        query.andWhere(`e.status IN ('running', 'waiting') AND e.id IN (${stuckIdsSql(':workspaceId', ':stuckBefore')})`);
      }
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
    const now = this.clock.now();
    const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
    // Runs and failures come from the hourly counts the executions' triggers keep (a few hundred rows for two days),
    // with the partial hours at the periods' ends counted from the executions themselves.
    const parameters: unknown[] = [workspaceId];
    const place = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const termSql = (term: CountTerm) =>
      term.source === 'hours'
        ? `(SELECT ${term.sign} * coalesce(sum(runs), 0) AS runs, ${term.sign} * coalesce(sum(failures), 0) AS failures
              FROM execution_hourly_counts WHERE workspace_id = $1 AND hour >= ${place(term.from)} AND hour < ${place(term.to)})`
        : `(SELECT ${term.sign} * count(*) AS runs, ${term.sign} * count(*) FILTER (WHERE status = 'failed') AS failures
              FROM executions WHERE workspace_id = $1 AND NOT test_mode AND started_at >= ${place(term.from)} AND started_at < ${place(term.to)})`;
    const periodSql = (terms: readonly CountTerm[]) =>
      terms.length === 0
        ? 'SELECT 0 AS runs, 0 AS failures'
        : `SELECT coalesce(sum(runs), 0)::int AS runs, coalesce(sum(failures), 0)::int AS failures FROM (${terms.map(termSql).join(' UNION ALL ')}) t`;
    const current = periodSql(countTerms(from, to, now));
    const previous = periodSql(countTerms(previousFrom, from, now));
    // Stuck runs are counted up to their cap (LIMIT inside the count): stuck is a matter of time, which no trigger sees.
    const cap = place(STUCK_COUNT_CAP + 1);
    const before = place(stuckBefore);
    // The engine's connections run with JIT off (database/data-source-options.ts): with it, this statement's many
    // small parts passed jit_above_cost and compiling took 1.3-2.6 s of a 64 ms query at 10 M executions.
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
      `SELECT c.runs, c.failures, p.runs AS previous_runs, p.failures AS previous_failures,
              coalesce(a.waiting, 0) AS waiting, coalesce(a.held, 0) AS held, coalesce(a.running, 0) AS running,
              (SELECT count(*)::int FROM (
                 SELECT 1 FROM executions r WHERE r.workspace_id = $1 AND r.status = 'running' AND r.updated_at < ${before}
                 UNION ALL
                 -- Each overdue wait's run probed by its key (one waiting wait per run), up to the cap: as a semi-join
                 -- on the stuck set, every overdue wait was read and hashed first (0.27 s with 100,000 of them), and as a
                 -- join the planner chose a parallel hash join over every waiting run (0.2 s with none stuck).
                 SELECT 1 FROM waits w
                  WHERE w.workspace_id = $1 AND w.status = 'waiting' AND w.due_at < ${before}
                    AND (SELECT e.status FROM executions e WHERE e.id = w.execution_id AND e.workspace_id = $1) = 'waiting'
                 LIMIT ${cap}) s) AS stuck
         FROM (${current}) c
        CROSS JOIN (${previous}) p
        CROSS JOIN (SELECT (sum(n) FILTER (WHERE status = 'waiting'))::int AS waiting, (sum(n) FILTER (WHERE status = 'held'))::int AS held,
                           (sum(n) FILTER (WHERE status = 'running'))::int AS running
                      FROM execution_active_counts WHERE workspace_id = $1) a`,
      parameters,
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
      running: Math.min(row?.running ?? 0, HEALTH_COUNT_CAP),
      waiting: Math.min(row?.waiting ?? 0, HEALTH_COUNT_CAP),
      held: Math.min(row?.held ?? 0, HEALTH_COUNT_CAP),
      stuck: Math.min(row?.stuck ?? 0, STUCK_COUNT_CAP),
      countCap: HEALTH_COUNT_CAP,
      stuckCountCap: STUCK_COUNT_CAP,
      capped: [
        ...(['running', 'waiting', 'held'] as const).filter((name) => (row?.[name] ?? 0) > HEALTH_COUNT_CAP),
        ...((row?.stuck ?? 0) > STUCK_COUNT_CAP ? (['stuck'] as const) : []),
      ],
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

  /**
   * How a page reads the filters whose best read depends on the data: a
   * contact search matching few contacts reads their runs by contact, one
   * matching many walks the runs newest first; a few stuck runs are fetched as
   * a set, many are found by walking the active runs (see `matching`).
   */
  private async readPlan(workspaceId: string, match: ExecutionMatch): Promise<ReadPlan> {
    const plan: ReadPlan = {};
    if (match.contact) {
      const search = contactSearch(match.contact);
      const ids = (
        await sqlRows(
          this.dataSource,
          z.object({ id: z.string() }),
          `SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND ${search.condition('$2', '$3')} LIMIT ${CONTACTS_READ_BY_CONTACT + 1}`,
          search.digits === null ? [workspaceId, search.name] : [workspaceId, search.name, search.digits],
        )
      ).map((row) => row.id);
      if (ids.length > CONTACTS_READ_BY_CONTACT) plan.contactWalk = true;
      else plan.contactIds = ids;
    }
    if (match.stuck) {
      const before = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
      const found = await sqlRow(
        this.dataSource,
        z.object({ n: z.number() }),
        `SELECT count(*)::int AS n FROM (${stuckIdsSql('$1', '$2')} LIMIT ${STUCK_READ_AS_SET}) s`,
        [workspaceId, before],
      );
      plan.stuckWalk = (found?.n ?? 0) >= STUCK_READ_AS_SET;
    }
    return plan;
  }

  async list(workspaceId: string, filter: ExecutionFilter) {
    const plan = await this.readPlan(workspaceId, filter);
    const statuses =
      typeof filter.status === 'string' ? null : (filter.status ?? (plan.stuckWalk ? (['running', 'waiting'] as const) : null));
    const rows =
      (statuses && statuses.length > 1) || plan.contactIds
        ? await this.pageInParts(workspaceId, filter, statuses && statuses.length > 1 ? statuses : [filter.status], plan)
        : await this.pageQuery(workspaceId, filter, plan).getMany();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const contexts = await this.contexts(workspaceId, page);
    return {
      data: page.map((execution) => ({ ...viewExecution(execution), ...(contexts.get(execution.id) ?? NO_CONTEXT) })),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
    };
  }

  /** The page (and one more row, to know whether there is a next one) after the filter's cursor, newest first. */
  private pageQuery(workspaceId: string, filter: ExecutionFilter, plan: ReadPlan): SelectQueryBuilder<Execution> {
    const query = this.matching(workspaceId, filter, plan).limit(filter.limit + 1);
    if (filter.cursor) {
      const cursor = decodeCursor(filter.cursor);
      if (!cursor) throw new BadRequestException('cursor: not a cursor this API gave out; start again without one.');
      query.andWhere('(e.startedAt, e.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.startedAt, cursorId: cursor.id });
    }
    return query;
  }

  /**
   * The SQL of one part of a page: the ids and start times of its first rows
   * newest first. With the contacts a search matched, each contact's runs are
   * read by the contact index in two short steps: each contact's newest
   * matching run, whose (limit + 1)-th newest start bounds the page from below
   * (that many runs start at it or later), then the runs from that start on of
   * each contact whose newest run reaches it, merged. Ordering every run of a few hundred contacts cost
   * seconds, and each one's first page's worth 0.6 s at 1,111 contacts.
   */
  private pagePartSql(workspaceId: string, filter: ExecutionFilter, plan: ReadPlan): [string, unknown[]] {
    if (!plan.contactIds) {
      return this.pageQuery(workspaceId, filter, plan).select('e.id', 'id').addSelect('e.startedAt', 'started_at').getQueryAndParameters();
    }
    const perContact = () =>
      this.pageQuery(workspaceId, { ...filter, contact: undefined }, { ...plan, contactIds: undefined })
        .andWhere('e.contactId = matched.id')
        .select('e.id', 'id')
        .addSelect('e.startedAt', 'started_at');
    const parameters: unknown[] = [];
    const place = (part: [string, unknown[]]) => {
      const offset = parameters.length;
      parameters.push(...part[1]);
      return shiftPlaces(part[0], offset);
    };
    const newest = place(perContact().limit(1).getQueryAndParameters());
    const page = place(perContact().andWhere('e.startedAt >= (SELECT since FROM bound)').getQueryAndParameters());
    parameters.push(plan.contactIds);
    const contacts = `unnest(CAST($${parameters.length} AS uuid[])) AS matched(id)`;
    return [
      // The second step reads only the contacts whose newest run is at or after the bound: the others have none there
      // (with 1,000 matched contacts, one probe each instead of two).
      `WITH newest AS MATERIALIZED (
         SELECT matched.id, n.started_at FROM ${contacts} CROSS JOIN LATERAL (${newest}) n),
       bound AS (
         SELECT coalesce((SELECT started_at FROM newest ORDER BY started_at DESC LIMIT 1 OFFSET ${filter.limit}), '-infinity') AS since)
       SELECT p.id, p.started_at FROM newest matched CROSS JOIN LATERAL (${page}) p
        WHERE matched.started_at >= (SELECT since FROM bound)
        ORDER BY p.started_at DESC, p.id DESC LIMIT ${filter.limit + 1}`,
      parameters,
    ];
  }

  /**
   * A page read in parts, merged newest first, then those rows by id: one
   * ordered read per status (each from the status index's first entries;
   * as one `status IN (...)` filter the planner walks the workspace's
   * executions newest first, reading them all when the statuses are rare),
   * each by the matched contacts when a search found few.
   */
  private async pageInParts(
    workspaceId: string,
    filter: ExecutionFilter,
    statuses: readonly (ExecutionStatus | readonly ExecutionStatus[] | undefined)[],
    plan: ReadPlan,
  ): Promise<Execution[]> {
    const parts: string[] = [];
    const parameters: unknown[] = [];
    for (const status of new Set(statuses)) {
      const [sql, partParameters] = this.pagePartSql(workspaceId, { ...filter, status }, plan);
      parts.push(`(${shiftPlaces(sql, parameters.length)})`);
      parameters.push(...partParameters);
    }
    const ids = (
      await sqlRows(
        this.dataSource,
        z.object({ id: z.string() }),
        `SELECT u.id FROM (${parts.join(' UNION ALL ')}) u ORDER BY u.started_at DESC, u.id DESC LIMIT ${filter.limit + 1}`,
        parameters,
      )
    ).map((row) => row.id);
    const found = await this.dataSource.getRepository(Execution).findBy({ id: In(ids), workspaceId });
    const byId = new Map(found.map((execution) => [execution.id, execution]));
    return ids.map((id) => byId.get(id)).filter((execution): execution is Execution => execution !== undefined);
  }

  async get(workspaceId: string, id: string) {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id, workspaceId } });
    if (!execution) throw new NotFoundException('No such execution in this workspace.');
    const [steps, wait, sideEffects] = await Promise.all([
      this.dataSource.getRepository(ExecutionStep).find({ where: { executionId: id, workspaceId }, order: { sequence: 'ASC' } }),
      sqlRow(
        this.dataSource,
        pendingWaitRow,
        `SELECT node_id, kind, due_at, event_type FROM waits WHERE execution_id = $1 AND status = 'waiting' ORDER BY created_at DESC LIMIT 1`,
        [id],
      ),
      // The outbound calls it made (sends, CRM writes) under their idempotency keys, with their outcome: never the
      // request (the step's input shows what was asked), only the result's code, message and WhatsApp message id.
      sqlRows(
        this.dataSource,
        sideEffectRow,
        `SELECT idempotency_key, node_id, kind, status, result->>'code' AS code, result->>'message' AS message,
                result->>'wamid' AS wamid, created_at, updated_at
           FROM side_effects WHERE execution_id = $1 AND workspace_id = $2 ORDER BY created_at, idempotency_key`,
        [id, workspaceId],
      ),
    ]);
    const pendingWait = wait
      ? { nodeId: wait.node_id, kind: wait.kind, dueAt: wait.due_at?.toISOString() ?? null, eventType: wait.event_type }
      : null;
    const contexts = await this.contexts(workspaceId, [execution]);
    return {
      ...viewExecution(execution),
      ...(contexts.get(execution.id) ?? NO_CONTEXT),
      pendingWait,
      steps: steps.map(viewStep),
      sideEffects: sideEffects.map((effect) => ({
        idempotencyKey: effect.idempotency_key,
        nodeId: effect.node_id,
        kind: effect.kind,
        status: effect.status,
        code: effect.code,
        message: effect.message,
        wamid: effect.wamid,
        createdAt: effect.created_at.toISOString(),
        updatedAt: effect.updated_at.toISOString(),
      })),
    };
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
      // Test runs are audited (issue 13), and hurrying one along is part of running it.
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'execution.wait_skipped',
          subjectType: 'execution',
          subjectId: id,
        },
        manager,
      );
      return { contactId: execution.contact_id };
    });
  }
}
