import { Injectable } from '@nestjs/common';
import type { WaitPlan } from '@parley/flow-core';
import type { RuntimeContact, WakeUp } from '@parley/node-sdk';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { DatabaseClock } from '../common/database-clock';
import { RUNTIME_CONTACT_COLUMNS, runtimeContactRow, toRuntimeContact } from '../contacts/runtime-contact-row';
import { EngineMetrics } from '../metrics/engine-metrics';
import { activePauseCondition } from '../pauses/active-pause-condition';
import { preparedExecute, preparedSqlRow } from '../runtime/prepared-sql';
import { ExecutionStep } from './execution-step.entity';
import { WaitAlarm } from './wait-alarm';

const idRow = z.object({ id: z.string() });
/** An entered execution, with the contact's columns (all null when not asked for or gone). */
const enteredRow = z.object({ execution_id: z.string(), execution_status: z.enum(['running', 'skipped']) }).catchall(z.unknown());

/** The wait being woken: marked fired in the same statement that records what the woken step did. */
export interface Firing {
  waitId: string;
  outcome: WakeUp['outcome'];
  lateByMs: number;
}

/** Where an execution stands after a step: the fields of `executions` a transition sets. */
export interface ExecutionPosition {
  id: string;
  status: 'running' | 'succeeded';
  currentNodeId: string | null;
  vars: Record<string, unknown>;
  endedReason: string | null;
}

/** Where a step and its execution go when the step waits or is retried. */
export interface WaitingPosition {
  executionId: string;
  workspaceId: string;
  contactId: string;
  nodeId: string;
  wait: WaitPlan;
  /** Saved with the wait (a retry leaves the variables as they were). */
  vars: Record<string, unknown> | null;
}

/** A failed execution to run again from `nodeId`, on `flowVersionId` when it moves to another version. */
export interface FailedRetry {
  executionId: string;
  nodeId: string;
  flowVersionId: string | null;
}

/** A new execution as entry rules decide it (running, or skipped with the reason). */
export interface NewExecution {
  workspaceId: string;
  flowId: string;
  flowVersionId: string;
  contactId: string;
  triggerEventId: string;
  /** null: it runs from the trigger node. */
  skipReason: string | null;
  /**
   * Look for a pause of the contact and flow in the INSERT itself (the flow's whilePaused is skip): with one, the
   * execution is stored skipped with the reason 'paused'. Only when no other entry rule could skip it first.
   */
  skipIfPaused?: boolean;
  triggerNodeId: string;
  now: Date;
  /** Answer the contact (as flows see it) with the execution, read in the same statement: the run needs it next. */
  withContact?: boolean;
}

/** What `enterAs` stored: the execution's id and status, and the contact when asked for (null if it is gone). */
export interface EnteredRow {
  id: string;
  status: 'running' | 'skipped';
  contact: RuntimeContact | null;
}

/**
 * The one writer of execution state: `executions`, `execution_steps` and the
 * execution's `waits`. Every change of an execution (run, wake, end, retry,
 * cancel, entry, unpublish) is one method here, applying a transition the
 * caller decided (see `decide` in flow-core); nothing here decides anything.
 * Each method takes the EntityManager to write with (the pool's manager,
 * or the caller's transaction) and writes what it is given in as
 * few statements as its atomicity needs: a finished step, the wait it fires
 * and the execution's next position are one statement (data-modifying CTEs),
 * so they commit together without a BEGIN/COMMIT round trip.
 *
 * `execution-writers.spec.ts` fails when another file writes these tables.
 */
@Injectable()
export class ExecutionStore {
  constructor(
    private readonly databaseClock: DatabaseClock,
    private readonly metrics: EngineMetrics,
    private readonly alarm: WaitAlarm,
  ) {}

  /** Records a step as running before it runs, so a crash resumes it rather than skipping it. */
  async startStep(db: EntityManager, step: ExecutionStep): Promise<ExecutionStep> {
    // One prepared INSERT, not TypeORM's save(): a single statement is atomic anyway, and save() builds its SQL
    // and reads the entity's metadata on every call, once per step of every message.
    const row = await preparedSqlRow(
      db,
      idRow,
      `INSERT INTO execution_steps (${STEP_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id::text AS id`,
      stepParams(step),
    );
    if (!row) throw new Error(`The step ${step.nodeId} of execution ${step.executionId} was not stored`);
    step.id = row.id;
    return step;
  }

  /** A step left "running" by a crash runs again: one more attempt of the same visit. */
  async bumpAttempt(db: EntityManager, stepId: string, attempt: number): Promise<void> {
    await preparedExecute(db, 'UPDATE execution_steps SET attempt = $2 WHERE id = $1', [stepId, attempt]);
  }

  /** Finishes `step` (as recorded on the entity), fires the woken wait and moves the execution, in one statement. */
  async finishStep(db: EntityManager, step: ExecutionStep, firing: Firing | null, position: ExecutionPosition, now: Date): Promise<void> {
    const done = position.status === 'succeeded';
    await preparedExecute(
      db,
      `${TRANSITION_PREFIX}
       UPDATE executions SET status = $15, current_node_id = $16, vars = $17, ended_reason = $18, finished_at = $19, updated_at = $5
        WHERE id = $14`,
      [
        ...transitionParams(firing, step, now),
        position.id,
        position.status,
        position.currentNodeId,
        JSON.stringify(position.vars),
        done ? position.endedReason : null,
        done ? now : null,
      ],
    );
  }

  /**
   * Records a step that ran without side effects (the trigger) as finished
   * and moves the execution, in one statement: there is nothing a crash in
   * between could repeat, so it needs no "running" record first. Sets the
   * step's id.
   */
  async finishNewStep(db: EntityManager, step: ExecutionStep, position: ExecutionPosition, now: Date): Promise<void> {
    const done = position.status === 'succeeded';
    const row = await preparedSqlRow(
      db,
      idRow,
      `WITH step AS (
         INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, visit, attempt,
                                      input, output, output_name, decision, error_code, error_message, started_at, finished_at, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id),
       moved AS (
         UPDATE executions SET status = $19, current_node_id = $20, vars = $21, ended_reason = $22, finished_at = $23, updated_at = $24
          WHERE id = $2)
       SELECT id::text AS id FROM step`,
      [
        step.workspaceId,
        step.executionId,
        step.sequence,
        step.nodeId,
        step.nodeType,
        step.nodeTypeVersion,
        step.status,
        step.visit,
        step.attempt,
        JSON.stringify(step.input),
        JSON.stringify(step.output),
        step.outputName,
        step.decision ? JSON.stringify(step.decision) : null,
        step.errorCode,
        step.errorMessage,
        step.startedAt,
        step.finishedAt,
        step.durationMs,
        position.status,
        position.currentNodeId,
        JSON.stringify(position.vars),
        done ? position.endedReason : null,
        done ? now : null,
        now,
      ],
    );
    if (!row) throw new Error('The step was not stored.');
    step.id = row.id;
  }

  /**
   * `finishNewStep` and `startStep` of the step it moves to, in one statement (issue 12: one round trip fewer for
   * every message a flow answers). Both were written in the same transaction of the contact pass, one after the
   * other, so a crash keeps or loses them together as before. The next step is inserted after the finished one
   * (it reads its id), so its row id follows the trigger's as it did. Sets both steps' ids.
   */
  async finishNewStepAndStart(
    db: EntityManager,
    done: ExecutionStep,
    position: ExecutionPosition,
    next: ExecutionStep,
    now: Date,
  ): Promise<void> {
    const finished = position.status === 'succeeded';
    const row = await preparedSqlRow(
      db,
      z.object({ done_id: z.string(), next_id: z.string() }),
      `WITH done AS (
         INSERT INTO execution_steps (${STEP_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id),
       moved AS (
         UPDATE executions SET status = $19, current_node_id = $20, vars = $21, ended_reason = $22, finished_at = $23, updated_at = $24
          WHERE id = $2),
       started AS (
         INSERT INTO execution_steps (${STEP_COLUMNS})
         SELECT $25::uuid, $26::uuid, $27::int, $28::text, $29::text, $30::int, $31::text, $32::int, $33::int, $34::jsonb, $35::jsonb,
                $36::text, $37::jsonb, $38::text, $39::text, $40::timestamptz, $41::timestamptz, $42::int
           FROM done RETURNING id)
       SELECT done.id::text AS done_id, started.id::text AS next_id FROM done, started`,
      [
        ...stepParams(done),
        position.status,
        position.currentNodeId,
        JSON.stringify(position.vars),
        finished ? position.endedReason : null,
        finished ? now : null,
        now,
        ...stepParams(next),
      ],
    );
    if (!row) throw new Error(`The steps ${done.nodeId} and ${next.nodeId} of execution ${done.executionId} were not stored`);
    done.id = row.done_id;
    next.id = row.next_id;
  }

  /**
   * Records the step's outcome, the wait it asks for (a delay, an event, a
   * retry) and the execution waiting, in one statement. A step woken from a
   * wait may wait again (a send the policy gate defers once more): the new
   * wait is inserted only after the woken one is marked fired, because an
   * execution has at most one waiting wait (`waits_one_per_execution`) and
   * the sub-statements of a WITH run in no set order unless one reads another.
   */
  async waitStep(db: EntityManager, step: ExecutionStep, firing: Firing | null, position: WaitingPosition, now: Date): Promise<void> {
    const { wait } = position;
    await preparedExecute(
      db,
      `${TRANSITION_PREFIX},
       wait AS (INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at, event_type, event_filter)
                SELECT $15::uuid, $16::uuid, $14::uuid, $17::text, $18::text,
                       coalesce(coalesce($24::timestamptz, now()) + $23::double precision * interval '1 millisecond', $19::timestamptz),
                       $20::text, $21::jsonb
                  FROM (SELECT count(*) FROM fired) AS after_fired)
       UPDATE executions SET status = 'waiting', vars = coalesce($22::jsonb, vars), updated_at = $5 WHERE id = $14`,
      [
        ...transitionParams(firing, step, now),
        position.executionId,
        position.workspaceId,
        position.contactId,
        position.nodeId,
        wait.kind,
        wait.relative ? null : wait.dueAt,
        wait.eventType,
        wait.kind === 'event' ? JSON.stringify(wait.filter) : null,
        position.vars === null ? null : JSON.stringify(position.vars),
        wait.relative && wait.dueAt ? wait.dueAt.getTime() - now.getTime() : null,
        this.databaseClock.fixed(),
      ],
    );
    if (wait.dueAt) this.alarm.written(wait.dueAt.getTime() - now.getTime());
  }

  /** Fails the execution (and the step, when there is one), in one statement. */
  async failExecution(
    db: EntityManager,
    executionId: string,
    step: ExecutionStep | null,
    firing: Firing | null,
    failure: { errorCode: string; errorMessage: string; currentNodeId: string | null },
    now: Date,
  ): Promise<void> {
    await preparedExecute(
      db,
      `${TRANSITION_PREFIX}
       UPDATE executions SET status = 'failed', error_code = $15, error_message = $16, ended_reason = 'failed',
              current_node_id = $17, finished_at = $5, updated_at = $5
        WHERE id = $14`,
      [...transitionParams(firing, step, now), executionId, failure.errorCode, failure.errorMessage, failure.currentNodeId],
    );
  }

  /** An execution whose trigger event or contact is gone cannot run: it fails. */
  async failLostInput(db: EntityManager, executionId: string, message: string, now: Date): Promise<void> {
    await preparedExecute(
      db,
      `UPDATE executions SET status = 'failed', error_code = 'internal_error', error_message = $2, finished_at = $3, updated_at = $3 WHERE id = $1`,
      [executionId, message, now],
    );
  }

  /** Holds the execution before a side effect while automation is paused; a hold wait wakes it when the pause ends. */
  async hold(
    db: EntityManager,
    hold: { executionId: string; workspaceId: string; contactId: string; nodeId: string; reason: string; until: Date | null },
    vars: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await preparedExecute(
      db,
      `WITH wait AS (INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at) VALUES ($5, $6, $1, $7, 'hold', $8))
       UPDATE executions SET status = 'held', hold_reason = $2, vars = $3, updated_at = $4 WHERE id = $1`,
      [hold.executionId, hold.reason, JSON.stringify(vars), now, hold.workspaceId, hold.contactId, hold.nodeId, hold.until],
    );
    if (hold.until) this.alarm.written(hold.until.getTime() - now.getTime());
  }

  /** A retry or hold wait fired: the execution runs again from its current node. */
  async resume(db: EntityManager, executionId: string, firing: Firing, now: Date): Promise<void> {
    await preparedExecute(
      db,
      `${TRANSITION_PREFIX}
       UPDATE executions SET status = 'running', hold_reason = NULL, updated_at = $5 WHERE id = $14`,
      [...transitionParams(firing, null, now), executionId],
    );
  }

  /** A wait whose execution is no longer waiting: cancelled, never applied. */
  async cancelStaleWait(db: EntityManager, waitId: string, now: Date): Promise<void> {
    await preparedExecute(
      db,
      `UPDATE waits SET status = 'cancelled', outcome = 'stale', fired_at = $2 WHERE id = $1 AND status = 'waiting'`,
      [waitId, now],
    );
  }

  /**
   * Ends an active execution from outside (goal reached, cancelled, restarted,
   * unpublished): its waits are cancelled and its open steps closed. Returns
   * false when it was not active.
   */
  async end(db: EntityManager, executionId: string, status: 'succeeded' | 'cancelled', reason: string, now: Date): Promise<boolean> {
    const row = await preparedSqlRow(
      db,
      idRow,
      `WITH ended AS (
         UPDATE executions SET status = $2, ended_reason = $3, current_node_id = NULL, finished_at = $4, updated_at = $4
          WHERE id = $1 AND status IN ('running', 'waiting', 'held') RETURNING id),
       waits AS (UPDATE waits SET status = 'cancelled', outcome = $3, fired_at = $4
                  WHERE execution_id IN (SELECT id FROM ended) AND status = 'waiting'),
       steps AS (UPDATE execution_steps SET status = 'failed', error_code = $3, finished_at = $4
                  WHERE execution_id IN (SELECT id FROM ended) AND status IN ('running', 'waiting'))
       SELECT id::text AS id FROM ended`,
      [executionId, status, reason, now],
    );
    // Counted here, whoever ends it (runner, cancel, bulk cancel, erasure), so the metric cannot miss a caller.
    if (row !== undefined) this.metrics.executionsFinished.inc({ status });
    return row !== undefined;
  }

  /**
   * Unpublishing a flow ends its active executions (cancelled with `reason`)
   * and drops its pending debounced starts.
   */
  async endFlow(db: EntityManager, flowId: string, reason: string, now: Date): Promise<number> {
    const ended = await db.query(
      `WITH ended AS (
         UPDATE executions SET status = 'cancelled', ended_reason = $3, current_node_id = NULL, finished_at = $2, updated_at = $2
          WHERE flow_id = $1 AND status IN ('running', 'waiting', 'held') RETURNING id),
       waits AS (UPDATE waits SET status = 'cancelled', outcome = $3, fired_at = $2
                  WHERE (execution_id IN (SELECT id FROM ended) OR (flow_id = $1 AND kind = 'debounce')) AND status = 'waiting')
       SELECT id::text AS id FROM ended`,
      [flowId, now, reason],
    );
    return z.array(idRow).parse(ended).length;
  }

  /**
   * Records an execution the entry rules let in (running) or refused
   * (skipped); null when this event already has one, or when the version is
   * no longer the flow's published one (the caller's list of published flows
   * is a cache: a run is never started on a flow just unpublished or replaced).
   */
  async enter(db: EntityManager, entry: NewExecution): Promise<string | null> {
    return (await this.enterAs(db, entry))?.id ?? null;
  }

  /** `enter`, answering also whether the execution was stored running or skipped (a pause found by `skipIfPaused`). */
  async enterAs(db: EntityManager, entry: NewExecution): Promise<EnteredRow | null> {
    const skip = entry.skipReason;
    // $11: look for a pause here. Skipped for a pause as the entry's own look would have done (the pause's reason first).
    const paused = `($11::boolean AND EXISTS (SELECT 1 FROM automation_pauses
                      WHERE ${activePauseCondition('$1::uuid', '$4::uuid', '$2::uuid', '$9::timestamptz')}))`;
    const row = await preparedSqlRow(
      db,
      enteredRow,
      `WITH entered AS (
       INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id, ended_reason, started_at, finished_at, updated_at)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::bigint,
              CASE WHEN p.paused THEN 'skipped' ELSE $6::text END, CASE WHEN p.paused THEN NULL ELSE $7::text END,
              CASE WHEN p.paused THEN 'paused' ELSE $8::text END, $9::timestamptz,
              CASE WHEN p.paused THEN $9::timestamptz ELSE $10::timestamptz END, $9::timestamptz
         FROM (SELECT ${paused} AS paused) p
        WHERE EXISTS (SELECT 1 FROM flows WHERE id = $2::uuid AND published_version_id = $3::uuid)
       ON CONFLICT (flow_id, trigger_event_id) DO NOTHING RETURNING id, status)
       SELECT e.id::text AS execution_id, e.status AS execution_status, ${RUNTIME_CONTACT_COLUMNS}
         FROM entered e LEFT JOIN contacts c ON $12::boolean AND c.id = $4::uuid AND c.workspace_id = $1::uuid`,
      [
        entry.workspaceId,
        entry.flowId,
        entry.flowVersionId,
        entry.contactId,
        entry.triggerEventId,
        skip ? 'skipped' : 'running',
        skip ? null : entry.triggerNodeId,
        skip,
        entry.now,
        skip ? entry.now : null,
        entry.skipIfPaused === true && skip === null,
        entry.withContact === true,
      ],
    );
    if (!row) return null;
    const contact = runtimeContactRow.safeParse(row);
    return { id: row.execution_id, status: row.execution_status, contact: contact.success ? toRuntimeContact(contact.data) : null };
  }

  /** Starts a test execution of a frozen draft version from its trigger (invisible to entry rules and live flows). */
  async startTestRun(
    db: EntityManager,
    run: {
      workspaceId: string;
      flowId: string;
      flowVersionId: string;
      contactId: string;
      triggerEventId: string;
      triggerNodeId: string;
      skipWaits: boolean;
    },
    now: Date,
  ): Promise<string> {
    const row = await preparedSqlRow(
      db,
      idRow,
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id, test_mode, skip_waits, started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'running', $6, true, $7, $8, $8) RETURNING id`,
      [run.workspaceId, run.flowId, run.flowVersionId, run.contactId, run.triggerEventId, run.triggerNodeId, run.skipWaits, now],
    );
    if (!row) throw new Error('The test execution was not stored.');
    return row.id;
  }

  /** A test run's latest wait comes due now ("skip this wait" on the canvas); false when it is not waiting. */
  async skipTestWait(db: EntityManager, executionId: string): Promise<boolean> {
    const skipped = await preparedSqlRow(
      db,
      idRow,
      `UPDATE waits SET due_at = coalesce($2::timestamptz, now())
        WHERE id = (SELECT id FROM waits WHERE execution_id = $1 AND status = 'waiting' ORDER BY created_at DESC LIMIT 1) RETURNING id`,
      [executionId, this.databaseClock.fixed()],
    );
    return skipped !== undefined;
  }

  /** Pushes a debounced start back (\`quietMs\` from now): the last event before the quiet period wins. */
  async debounce(
    db: EntityManager,
    start: { workspaceId: string; contactId: string; flowId: string; triggerEventId: string; quietMs: number },
  ): Promise<void> {
    await preparedExecute(
      db,
      `INSERT INTO waits (workspace_id, contact_id, flow_id, trigger_event_id, kind, due_at)
       VALUES ($1, $2, $3, $4, 'debounce', coalesce($6::timestamptz, now()) + $5::double precision * interval '1 millisecond')
       ON CONFLICT (flow_id, contact_id) WHERE status = 'waiting' AND kind = 'debounce'
       DO UPDATE SET due_at = EXCLUDED.due_at, trigger_event_id = EXCLUDED.trigger_event_id`,
      [start.workspaceId, start.contactId, start.flowId, start.triggerEventId, start.quietMs, this.databaseClock.fixed()],
    );
    this.alarm.written(start.quietMs);
  }

  /** Claims a due debounce wait (false when another pass fired it). */
  async fireDebounce(db: EntityManager, waitId: string, now: Date): Promise<boolean> {
    const claimed = await preparedSqlRow(
      db,
      idRow,
      `UPDATE waits SET status = 'fired', fired_at = $2, outcome = 'elapsed' WHERE id = $1 AND status = 'waiting' RETURNING id`,
      [waitId, now],
    );
    return claimed !== undefined;
  }

  /**
   * People retry failed executions from their failed step (one, or a bulk
   * job's batch, in one statement): each waits on a retry due now by the database's clock, on the
   * version given (a retry on the latest version) or its own. An execution no
   * longer failed is left alone; returns the ids that were moved.
   */
  async retryFailed(db: EntityManager, retries: readonly FailedRetry[], now: Date): Promise<string[]> {
    if (retries.length === 0) return [];
    const rows = await db.query(
      `WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS t(execution_id, node_id, flow_version_id)),
       moved AS (
         UPDATE executions e SET status = 'waiting', current_node_id = w.node_id, flow_version_id = coalesce(w.flow_version_id, e.flow_version_id),
                error_code = NULL, error_message = NULL, ended_reason = NULL, finished_at = NULL, updated_at = $4
           FROM wanted w WHERE e.id = w.execution_id AND e.status = 'failed'
         RETURNING e.id, e.workspace_id, e.contact_id, e.current_node_id),
       wait AS (INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at)
                SELECT workspace_id, contact_id, id, current_node_id, 'retry', coalesce($5::timestamptz, now()) FROM moved)
       SELECT id::text AS id FROM moved`,
      [
        retries.map((r) => r.executionId),
        retries.map((r) => r.nodeId),
        retries.map((r) => r.flowVersionId),
        now,
        this.databaseClock.fixed(),
      ],
    );
    const moved = z
      .array(idRow)
      .parse(rows)
      .map((row) => row.id);
    if (moved.length > 0) this.alarm.written(0);
    return moved;
  }

  /**
   * Cancels many active executions at once (a bulk cancel's batch), as `end`
   * does one: one statement ends those still running, waiting or held, cancels
   * their waits and closes their open steps. An execution no longer active is
   * left alone, so a batch acted on twice cancels nothing twice. Returns the
   * ids that were cancelled.
   */
  async cancelMany(db: EntityManager, executionIds: readonly string[], reason: string, now: Date): Promise<string[]> {
    if (executionIds.length === 0) return [];
    const rows = await db.query(
      `WITH ended AS (
         UPDATE executions SET status = 'cancelled', ended_reason = $2, current_node_id = NULL, finished_at = $3, updated_at = $3
          WHERE id = ANY($1::uuid[]) AND status IN ('running', 'waiting', 'held') RETURNING id),
       waits AS (UPDATE waits SET status = 'cancelled', outcome = $2, fired_at = $3
                  WHERE execution_id IN (SELECT id FROM ended) AND status = 'waiting'),
       steps AS (UPDATE execution_steps SET status = 'failed', error_code = $2, finished_at = $3
                  WHERE execution_id IN (SELECT id FROM ended) AND status IN ('running', 'waiting'))
       SELECT id::text AS id FROM ended`,
      [executionIds, reason, now],
    );
    return z
      .array(idRow)
      .parse(rows)
      .map((row) => row.id);
  }
}

/**
 * Every transition statement starts with the same 13 parameters: the wait it
 * fires ($1 id or null, $2 outcome, $3 lateness), the step it records ($4 id
 * or null, $6 to $13 its fields) and $5 now. A null id makes that part a no-op.
 */
const TRANSITION_PREFIX = `WITH fired AS (
    UPDATE waits SET status = 'fired', fired_at = $5, outcome = $2::text, late_by_ms = $3::int WHERE id = $1::uuid AND status = 'waiting'
    RETURNING id),
  step AS (
    UPDATE execution_steps SET status = $6::text, output = $7::jsonb, output_name = $8::text, error_code = $9::text,
           error_message = $10::text, finished_at = $11::timestamptz, duration_ms = $12::int, decision = $13::jsonb
     WHERE id = $4::bigint)`;

function transitionParams(firing: Firing | null, step: ExecutionStep | null, now: Date): unknown[] {
  return [
    firing?.waitId ?? null,
    firing?.outcome ?? null,
    firing?.lateByMs ?? null,
    step?.id ?? null,
    now,
    step?.status ?? null,
    step ? JSON.stringify(step.output) : null,
    step?.outputName ?? null,
    step?.errorCode ?? null,
    step?.errorMessage ?? null,
    step?.finishedAt ?? null,
    step?.durationMs ?? null,
    step?.decision ? JSON.stringify(step.decision) : null,
  ];
}

/** The columns of `execution_steps` a new step is inserted with, in the order of `stepParams`. */
const STEP_COLUMNS = `workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, visit, attempt,
                      input, output, output_name, decision, error_code, error_message, started_at, finished_at, duration_ms`;

/** A new step's values for `STEP_COLUMNS`. */
function stepParams(step: ExecutionStep): unknown[] {
  return [
    step.workspaceId,
    step.executionId,
    step.sequence,
    step.nodeId,
    step.nodeType,
    step.nodeTypeVersion,
    step.status,
    step.visit,
    step.attempt,
    JSON.stringify(step.input),
    step.output === null ? null : JSON.stringify(step.output),
    step.outputName,
    step.decision === null ? null : JSON.stringify(step.decision),
    step.errorCode,
    step.errorMessage,
    step.startedAt,
    step.finishedAt,
    step.durationMs,
  ];
}
