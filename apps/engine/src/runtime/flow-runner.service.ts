import { Injectable, Logger } from '@nestjs/common';
import { ERROR_OUTPUT } from '@parley/flow-core';
import type { RuntimeContact, RuntimeEvent, StepContext, StepResult, WakeUp } from '@parley/node-sdk';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { codeOfError, stackFrames } from '../common/error-code';
import { isTransientDatabaseError } from '../database/transient-database-error';
import { loadRuntimeContact } from '../contacts/runtime-contact-row';
import { sqlRow } from '../database/sql-rows';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from '../events/runtime-event-row';
import { ExecutionStep } from '../executions/execution-step.entity';
import { Execution } from '../executions/execution.entity';
import { EngineMetrics } from '../metrics/engine-metrics';
import { NotifierService } from '../notifications/notifier.service';
import { type ActivePause, PauseService } from '../pauses/pause.service';
import { type WorkspaceRuntimeSettings, WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import type { CompiledFlow } from './compiled-flow';
import { ConditionError } from './condition-engine.service';
import { FlowVersionCache } from './flow-version-cache.service';
import { StepServicesFactory } from './step-services.factory';

interface RunState {
  execution: Execution;
  flow: CompiledFlow;
  event: RuntimeEvent;
  contact: RuntimeContact;
  workspace: WorkspaceRuntimeSettings;
  steps: ExecutionStep[];
  /** Set when the run continues after a retry delay: the failed step being retried. */
  retryOf: ExecutionStep | null;
  /**
   * The wait being woken. It is marked fired in the same transaction that
   * records what the woken step did, so a crash in between wakes it again.
   */
  firing: { waitId: string; outcome: WakeUp['outcome']; lateByMs: number } | null;
}

const waitRow = z.object({
  id: z.string(),
  execution_id: z.string(),
  node_id: z.string().nullable(),
  kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
  due_at: z.date().nullable(),
});

const ACTIVE = new Set(['running', 'waiting', 'held']);

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Moves executions through their flow. Each step is stored as "running"
 * before it starts and finished together with the execution's next position
 * in one transaction: after a crash the run resumes at the step in flight and
 * a finished step never runs again. Waits, retries and holds are rows in
 * `waits`, so they survive restarts and fire from PostgreSQL.
 */
@Injectable()
export class FlowRunner {
  private readonly logger = new Logger('FlowRunner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly servicesFactory: StepServicesFactory,
    private readonly workspaces: WorkspaceSettingsService,
    private readonly pauses: PauseService,
    private readonly notifier: NotifierService,
    private readonly clock: Clock,
    private readonly metrics: EngineMetrics,
  ) {}

  /** Advances a running execution as far as it goes (end, wait or hold). */
  async run(executionId: string): Promise<void> {
    const state = await this.load(executionId);
    if (!state || state.execution.status !== 'running') return;
    await this.advance(state);
  }

  /**
   * Wakes the execution waiting on `waitId`. Returns false when the wait was
   * already handled (fired or cancelled), so a wake is never applied twice.
   */
  async wake(waitId: string, outcome: WakeUp['outcome'], event: RuntimeEvent | null): Promise<boolean> {
    const now = this.clock.now();
    const wait = await sqlRow(
      this.dataSource,
      waitRow,
      `SELECT id, execution_id, node_id, kind, due_at FROM waits WHERE id = $1 AND status = 'waiting' AND execution_id IS NOT NULL`,
      [waitId],
    );
    if (!wait) return false;
    const state = await this.load(wait.execution_id);
    if (!state || (state.execution.status !== 'waiting' && state.execution.status !== 'held')) {
      await this.dataSource.query(
        `UPDATE waits SET status = 'cancelled', outcome = 'stale', fired_at = $2 WHERE id = $1 AND status = 'waiting'`,
        [waitId, now],
      );
      return true;
    }
    const lateByMs = wait.due_at && outcome !== 'received' ? Math.max(0, now.getTime() - wait.due_at.getTime()) : 0;
    if (wait.due_at && outcome !== 'received') this.metrics.waitLateness.observe({ kind: wait.kind }, lateByMs / 1000);
    state.firing = { waitId, outcome, lateByMs };
    state.execution.status = 'running';
    state.execution.holdReason = null;

    if (wait.kind === 'retry' || wait.kind === 'hold') {
      if (wait.kind === 'retry')
        state.retryOf = [...state.steps].reverse().find((s) => s.nodeId === wait.node_id && s.status === 'failed') ?? null;
      await this.dataSource.transaction(async (manager) => {
        await this.settleFiring(manager, state);
        await manager.query(`UPDATE executions SET status = 'running', hold_reason = NULL, updated_at = $2 WHERE id = $1`, [
          state.execution.id,
          now,
        ]);
      });
    } else {
      const step = [...state.steps].reverse().find((s) => s.nodeId === wait.node_id && s.status === 'waiting');
      if (!step) {
        this.logger.error(
          {
            event: 'execution.wake_without_step',
            workspaceId: state.execution.workspaceId,
            executionId: state.execution.id,
            nodeId: wait.node_id,
            waitKind: wait.kind,
          },
          'An execution woke but has no waiting step',
        );
        await this.fail(state, null, 'internal_error', 'The waiting step was not found.');
        return true;
      }
      const result = await this.execute(state, step, { outcome, event, lateByMs });
      await this.apply(state, step, result);
    }
    await this.advance(state);
    return true;
  }

  /** Marks the wait being woken as fired, inside the caller's transaction. */
  private async settleFiring(manager: EntityManager, state: RunState): Promise<void> {
    const firing = state.firing;
    if (!firing) return;
    state.firing = null;
    await manager.query(
      `UPDATE waits SET status = 'fired', fired_at = $2, outcome = $3, late_by_ms = $4 WHERE id = $1 AND status = 'waiting'`,
      [firing.waitId, this.clock.now(), firing.outcome, firing.lateByMs],
    );
  }

  /** Ends an active execution from outside (goal reached, cancelled, restarted, unpublished). */
  async end(
    executionId: string,
    status: 'succeeded' | 'cancelled',
    reason: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const now = this.clock.now();
    const row = await sqlRow(
      manager,
      z.object({ id: z.string() }),
      `UPDATE executions SET status = $2, ended_reason = $3, current_node_id = NULL, finished_at = $4, updated_at = $4
        WHERE id = $1 AND status IN ('running', 'waiting', 'held') RETURNING id`,
      [executionId, status, reason, now],
    );
    if (!row) return false;
    this.metrics.executionsFinished.inc({ status });
    await manager.query(
      `UPDATE waits SET status = 'cancelled', outcome = $2, fired_at = $3 WHERE execution_id = $1 AND status = 'waiting'`,
      [executionId, reason, now],
    );
    await manager.query(
      `UPDATE execution_steps SET status = 'failed', error_code = $2, finished_at = $3 WHERE execution_id = $1 AND status IN ('running', 'waiting')`,
      [executionId, reason, now],
    );
    return true;
  }

  private async load(executionId: string): Promise<RunState | null> {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id: executionId } });
    if (!execution || !ACTIVE.has(execution.status) || execution.contactId === null) return null;
    const [flow, eventRow, contact, workspace, steps] = await Promise.all([
      this.versions.get(execution.flowVersionId),
      sqlRow(this.dataSource, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1`, [execution.triggerEventId]),
      loadRuntimeContact(this.dataSource, execution.workspaceId, execution.contactId),
      this.workspaces.get(execution.workspaceId),
      this.dataSource.getRepository(ExecutionStep).find({ where: { executionId }, order: { sequence: 'ASC' } }),
    ]);
    if (!eventRow || !contact) {
      this.logger.error(
        {
          event: 'execution.lost_input',
          workspaceId: execution.workspaceId,
          flowId: execution.flowId,
          flowVersionId: execution.flowVersionId,
          executionId,
          missing: eventRow ? 'contact' : 'trigger_event',
        },
        'An execution lost its trigger event or contact; failing it',
      );
      await this.dataSource.query(
        `UPDATE executions SET status = 'failed', error_code = 'internal_error', error_message = $2, finished_at = $3, updated_at = $3 WHERE id = $1`,
        [executionId, 'The trigger event or contact is gone.', this.clock.now()],
      );
      return null;
    }
    return { execution, flow, event: toRuntimeEvent(eventRow), contact, workspace, steps, retryOf: null, firing: null };
  }

  private async advance(state: RunState): Promise<void> {
    const { execution, flow } = state;
    // The contact was loaded with the run; only steps with side effects (tags, fields...) change it.
    let contactStale = false;
    while (execution.status === 'running' && execution.currentNodeId !== null) {
      const nodeId: string = execution.currentNodeId;
      const compiled = flow.steps.get(nodeId);
      if (compiled?.definition.sideEffect && !execution.testMode) {
        const pause = await this.pauses.active(execution.workspaceId, state.contact.id, execution.flowId);
        if (pause) {
          await this.hold(state, nodeId, pause);
          return;
        }
      }
      if (contactStale) {
        const fresh = await loadRuntimeContact(this.dataSource, execution.workspaceId, state.contact.id);
        if (fresh) state.contact = fresh;
        contactStale = false;
      }
      const step = await this.startStep(state, nodeId);
      const result = await this.execute(state, step, null);
      await this.apply(state, step, result);
      if (compiled?.definition.sideEffect) contactStale = true;
    }
  }

  /** Reuses the step left "running" by a crash, or records a new attempt or visit. */
  private async startStep(state: RunState, nodeId: string): Promise<ExecutionStep> {
    const repository = this.dataSource.getRepository(ExecutionStep);
    const last = state.steps[state.steps.length - 1];
    if (last && last.nodeId === nodeId && last.status === 'running') {
      last.attempt += 1;
      await repository.update({ id: last.id }, { attempt: last.attempt });
      return last;
    }
    const retryOf = state.retryOf?.nodeId === nodeId ? state.retryOf : null;
    state.retryOf = null;
    const isTrigger = nodeId === state.flow.trigger.node.id;
    const compiled = isTrigger ? state.flow.trigger : state.flow.steps.get(nodeId);
    if (!compiled) throw new Error(`Node ${nodeId} is not in version ${state.flow.versionId}`);
    const step = repository.create({
      workspaceId: state.execution.workspaceId,
      executionId: state.execution.id,
      sequence: state.steps.length + 1,
      nodeId,
      nodeType: compiled.node.type,
      nodeTypeVersion: compiled.node.typeVersion,
      status: 'running',
      visit: retryOf ? retryOf.visit : state.steps.filter((s) => s.nodeId === nodeId && s.attempt === 1).length,
      attempt: retryOf ? retryOf.attempt + 1 : 1,
      input: isTrigger
        ? {
            event: {
              id: state.event.id,
              type: state.event.type,
              occurredAt: state.event.occurredAt.toISOString(),
              payload: state.event.payload,
            },
          }
        : { config: compiled.config },
      output: null,
      outputName: null,
      decision: null,
      errorCode: null,
      errorMessage: null,
      startedAt: this.clock.now(),
      finishedAt: null,
      durationMs: null,
    });
    // One INSERT, not TypeORM's default BEGIN / INSERT / COMMIT: a single statement is atomic anyway.
    const saved = await repository.save(step, { transaction: false });
    state.steps.push(saved);
    return saved;
  }

  private stepOutputs(state: RunState): Record<string, unknown> {
    const outputs: Record<string, unknown> = {};
    for (const step of state.steps) if (step.status === 'succeeded' && step.output) outputs[step.nodeId] = step.output;
    return outputs;
  }

  private async execute(state: RunState, step: ExecutionStep, wake: WakeUp | null): Promise<StepResult> {
    const { execution, flow } = state;
    if (step.nodeId === flow.trigger.node.id) {
      return { outcome: 'continue', output: 'next', data: { ...state.event.payload } };
    }
    const compiled = flow.steps.get(step.nodeId);
    if (!compiled) {
      return {
        outcome: 'failed',
        errorCode: 'unknown_node',
        errorMessage: `Node ${step.nodeId} is not in this version.`,
        retryable: false,
        data: {},
      };
    }
    const idempotencyKey = `${execution.id}:${step.nodeId}:${step.visit}`;
    const { services, missingVariables } = this.servicesFactory.create({
      workspaceId: execution.workspaceId,
      flowId: execution.flowId,
      flowVersionId: execution.flowVersionId,
      executionId: execution.id,
      nodeId: step.nodeId,
      idempotencyKey,
      contact: state.contact,
      event: state.event,
      vars: execution.vars,
      stepOutputs: this.stepOutputs(state),
      workspace: state.workspace,
      testMode: execution.testMode,
    });
    const context: StepContext<unknown> = {
      config: compiled.config,
      nodeId: step.nodeId,
      flowId: execution.flowId,
      executionId: execution.id,
      workspaceId: execution.workspaceId,
      contact: state.contact,
      event: state.event,
      vars: execution.vars,
      idempotencyKey,
      attempt: step.attempt,
      testMode: execution.testMode,
      workspace: { timeZone: state.workspace.settings.timeZone },
      services,
    };
    let result: StepResult;
    try {
      result = wake
        ? compiled.handler.resume
          ? await compiled.handler.resume(context, wake)
          : { outcome: 'continue', output: 'next', data: { lateByMs: wake.lateByMs } }
        : await compiled.handler.execute(context);
    } catch (error) {
      // The database down, full or restarting is not the step's failure: the work item goes again
      // and the step is re-run (a send it started is found by its claim, never made twice).
      if (isTransientDatabaseError(error)) throw error;
      if (error instanceof ConditionError) {
        result = { outcome: 'failed', errorCode: 'condition_error', errorMessage: error.message, retryable: false, data: {} };
      } else {
        // The message goes on the step (the execution log); the log line keeps ids and code locations, never data.
        this.logger.error(
          {
            event: 'step.threw',
            workspaceId: execution.workspaceId,
            flowId: execution.flowId,
            flowVersionId: execution.flowVersionId,
            executionId: execution.id,
            stepId: step.id,
            nodeId: step.nodeId,
            nodeType: compiled.node.type,
            errorCode: codeOfError(error),
            stack: stackFrames(error),
          },
          'A step handler threw',
        );
        result = { outcome: 'failed', errorCode: 'internal_error', errorMessage: errorText(error), retryable: false, data: {} };
      }
    }
    if (missingVariables.length > 0) {
      this.logger.log(
        { event: 'step.missing_variables', executionId: execution.id, nodeId: step.nodeId, variables: missingVariables },
        'Personalisation fell back for missing values',
      );
      step.decision = { ...(step.decision ?? {}), missingVariables };
    }
    return result;
  }

  private async apply(state: RunState, step: ExecutionStep, result: StepResult): Promise<void> {
    const { execution, flow } = state;
    const now = this.clock.now();
    switch (result.outcome) {
      case 'continue': {
        if (result.decision) step.decision = { ...(step.decision ?? {}), ...result.decision };
        if (result.vars) execution.vars = { ...execution.vars, ...result.vars };
        const next = flow.next(step.nodeId, result.output);
        await this.finishStep(
          state,
          step,
          { status: 'succeeded', output: result.data, outputName: result.output },
          next,
          next === null ? 'succeeded' : 'running',
          'completed',
        );
        return;
      }
      case 'end':
        await this.finishStep(
          state,
          step,
          { status: 'succeeded', output: result.data, outputName: null },
          null,
          'succeeded',
          'ended_by_flow',
        );
        return;
      case 'wait': {
        const wait = result.wait;
        // A test run with "skip waits" sees the rest of the flow now; the step still records when it would have resumed.
        const skip =
          execution.testMode &&
          execution.skipWaits &&
          flow.steps.get(step.nodeId)?.definition.category === 'Timing' &&
          wait.kind !== 'event';
        if (skip) step.decision = { ...(step.decision ?? {}), skippedInTest: true, wouldResumeAt: wait.resumeAt.toISOString() };
        await this.dataSource.transaction(async (manager) => {
          await this.settleFiring(manager, state);
          await this.saveStep(manager, step, { status: 'waiting', output: result.data, outputName: null }, now, false);
          await manager.query(
            `INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at, event_type, event_filter)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              execution.workspaceId,
              state.contact.id,
              execution.id,
              step.nodeId,
              wait.kind,
              wait.kind === 'event' ? wait.timeoutAt : skip ? now : wait.resumeAt,
              wait.kind === 'event' ? wait.eventType : null,
              wait.kind === 'event' ? JSON.stringify(wait.filter ?? {}) : null,
            ],
          );
          await manager.query(`UPDATE executions SET status = 'waiting', vars = $2, updated_at = $3 WHERE id = $1`, [
            execution.id,
            JSON.stringify(execution.vars),
            now,
          ]);
        });
        execution.status = 'waiting';
        return;
      }
      case 'failed': {
        const policy = flow.steps.get(step.nodeId)?.retry ?? null;
        if (result.retryable && policy && step.attempt <= policy.retries) {
          const delayMs =
            execution.testMode && execution.skipWaits
              ? 0
              : policy.delaySeconds * 1000 * (policy.backoff === 'exponential' ? 4 ** (step.attempt - 1) : 1);
          await this.dataSource.transaction(async (manager) => {
            await this.settleFiring(manager, state);
            await this.saveStep(
              manager,
              step,
              { status: 'failed', output: result.data, outputName: null, errorCode: result.errorCode, errorMessage: result.errorMessage },
              now,
              true,
            );
            await manager.query(
              `INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at) VALUES ($1, $2, $3, $4, 'retry', $5)`,
              [execution.workspaceId, state.contact.id, execution.id, step.nodeId, new Date(now.getTime() + delayMs)],
            );
            await manager.query(`UPDATE executions SET status = 'waiting', updated_at = $2 WHERE id = $1`, [execution.id, now]);
          });
          execution.status = 'waiting';
          return;
        }
        const errorTarget = flow.next(step.nodeId, ERROR_OUTPUT);
        if (errorTarget !== null) {
          await this.finishStep(
            state,
            step,
            {
              status: 'failed',
              output: result.data,
              outputName: ERROR_OUTPUT,
              errorCode: result.errorCode,
              errorMessage: result.errorMessage,
            },
            errorTarget,
            'running',
            'completed',
          );
          return;
        }
        await this.fail(state, step, result.errorCode, result.errorMessage, result.data);
        return;
      }
    }
  }

  private async saveStep(
    manager: EntityManager,
    step: ExecutionStep,
    outcome: {
      status: ExecutionStep['status'];
      output: Record<string, unknown>;
      outputName: string | null;
      errorCode?: string;
      errorMessage?: string;
    },
    now: Date,
    finished: boolean,
  ): Promise<void> {
    step.status = outcome.status;
    step.output = outcome.output;
    step.outputName = outcome.outputName;
    step.errorCode = outcome.errorCode ?? null;
    step.errorMessage = outcome.errorMessage ?? null;
    step.finishedAt = finished || outcome.status !== 'waiting' ? now : null;
    step.durationMs = step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : null;
    if (step.durationMs !== null)
      this.metrics.stepDuration.observe({ node_type: step.nodeType, status: step.status }, step.durationMs / 1000);
    await manager.query(
      `UPDATE execution_steps SET status = $2, output = $3, output_name = $4, error_code = $5, error_message = $6,
              finished_at = $7, duration_ms = $8, decision = $9
        WHERE id = $1`,
      [
        step.id,
        step.status,
        JSON.stringify(step.output),
        step.outputName,
        step.errorCode,
        step.errorMessage,
        step.finishedAt,
        step.durationMs,
        step.decision === null ? null : JSON.stringify(step.decision),
      ],
    );
  }

  /** Completes a step and moves the execution to `next` (or ends it), atomically. */
  private async finishStep(
    state: RunState,
    step: ExecutionStep,
    outcome: {
      status: ExecutionStep['status'];
      output: Record<string, unknown>;
      outputName: string | null;
      errorCode?: string;
      errorMessage?: string;
    },
    next: string | null,
    status: 'running' | 'succeeded',
    endedReason: string,
  ): Promise<void> {
    const { execution } = state;
    const now = this.clock.now();
    execution.currentNodeId = status === 'running' ? next : null;
    execution.status = status;
    await this.dataSource.transaction(async (manager) => {
      await this.settleFiring(manager, state);
      await this.saveStep(manager, step, outcome, now, true);
      await manager.query(
        `UPDATE executions SET status = $2, current_node_id = $3, vars = $4, ended_reason = $5, finished_at = $6, updated_at = $7 WHERE id = $1`,
        [
          execution.id,
          execution.status,
          execution.currentNodeId,
          JSON.stringify(execution.vars),
          status === 'succeeded' ? endedReason : null,
          status === 'succeeded' ? now : null,
          now,
        ],
      );
    });
    if (status === 'succeeded') this.metrics.executionsFinished.inc({ status });
  }

  private async fail(
    state: RunState,
    step: ExecutionStep | null,
    errorCode: string,
    errorMessage: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const { execution } = state;
    const now = this.clock.now();
    execution.status = 'failed';
    execution.currentNodeId = step?.nodeId ?? execution.currentNodeId;
    await this.dataSource.transaction(async (manager) => {
      await this.settleFiring(manager, state);
      if (step)
        await this.saveStep(manager, step, { status: 'failed', output: data, outputName: null, errorCode, errorMessage }, now, true);
      await manager.query(
        `UPDATE executions SET status = 'failed', error_code = $2, error_message = $3, ended_reason = 'failed', current_node_id = $4, finished_at = $5, updated_at = $5 WHERE id = $1`,
        [execution.id, errorCode, errorMessage, execution.currentNodeId, now],
      );
    });
    this.metrics.executionsFinished.inc({ status: 'failed' });
    // Ids and the error code only: the error message may quote the customer's data; it is on the execution.
    this.logger.warn(
      {
        event: 'execution.failed',
        workspaceId: execution.workspaceId,
        flowId: execution.flowId,
        flowVersionId: execution.flowVersionId,
        executionId: execution.id,
        stepId: step?.id ?? null,
        nodeId: step?.nodeId ?? null,
        contactId: state.contact.id,
        errorCode,
        testMode: execution.testMode,
      },
      `Execution failed (${errorCode})`,
    );
    // The person running a test watches it fail on the canvas; the team is not alerted.
    if (execution.testMode) return;
    await this.notifier
      .notify({
        workspaceId: execution.workspaceId,
        userId: null,
        kind: 'execution_failed',
        title: `A flow failed for ${state.contact.displayName ?? state.contact.phoneE164 ?? 'a contact'}`,
        body: `Node ${step?.nodeId ?? '?'}: ${errorCode}: ${errorMessage}`,
        subjectType: 'execution',
        subjectId: execution.id,
      })
      .catch((error: unknown) =>
        this.logger.warn(
          {
            event: 'execution.notify_failed',
            workspaceId: execution.workspaceId,
            executionId: execution.id,
            errorCode: codeOfError(error),
          },
          'Could not notify the team about a failed execution',
        ),
      );
  }

  /** Stops before a side effect while automation is paused; a wait wakes it when the pause ends. */
  private async hold(state: RunState, nodeId: string, pause: ActivePause): Promise<void> {
    const { execution } = state;
    const now = this.clock.now();
    const reason = `paused (${pause.scope})${pause.reason ? `: ${pause.reason}` : ''}`;
    execution.status = 'held';
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE executions SET status = 'held', hold_reason = $2, vars = $3, updated_at = $4 WHERE id = $1`, [
        execution.id,
        reason,
        JSON.stringify(execution.vars),
        now,
      ]);
      await manager.query(
        `INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at) VALUES ($1, $2, $3, $4, 'hold', $5)`,
        [execution.workspaceId, state.contact.id, execution.id, nodeId, pause.until],
      );
    });
  }
}
