import { Injectable, Logger } from '@nestjs/common';
import { decide } from '@parley/flow-core';
import type { RuntimeContact, RuntimeEvent, StepContext, StepResult, WakeUp } from '@parley/node-sdk';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { DatabaseClock } from '../common/database-clock';
import { codeOfError, stackFrames } from '../common/error-code';
import { isTransientDatabaseError } from '../database/transient-database-error';
import { loadRuntimeContact } from '../contacts/runtime-contact-row';
import { preparedSqlRow } from '../runtime/prepared-sql';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from '../events/runtime-event-row';
import { ExecutionStep } from '../executions/execution-step.entity';
import { Execution } from '../executions/execution.entity';
import { EngineMetrics } from '../metrics/engine-metrics';
import { type ExecutionPosition, ExecutionStore, type Firing } from '../executions/execution-store.service';
import { NotifierService } from '../notifications/notifier.service';
import { type ActivePause, PauseService } from '../pauses/pause.service';
import { type WorkspaceRuntimeSettings, WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { type CompiledFlow, flowVersionView } from '../runtime/compiled-flow';
import { ConditionError } from '../logic/condition-engine.service';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';
import { workTransactionOf } from '../runtime/work-transaction';
import { StepServicesFactory } from './step-services.factory';

interface RunState {
  /** Where the run reads and writes (the pool, or a caller's transaction). */
  db: EntityManager;
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
  /** The entry rules found no pause a moment ago: the first side-effect step need not look again. */
  pauseChecked: boolean;
  /** This runner looked for a pause just before the current step and found none: its send need not look again. */
  pauseLooked: boolean;
  /**
   * The trigger's step, finished, with the execution's move to the next node: written with the next step's "running"
   * row in one statement (`flushTrigger`), or on its own if the run stops before starting one (a hold).
   */
  triggerDone: { step: ExecutionStep; position: ExecutionPosition; now: Date } | null;
}

/** An execution just stored as entered, with what it was entered for. */
export interface EnteredExecution {
  id: string;
  workspaceId: string;
  flowId: string;
  flow: CompiledFlow;
  event: RuntimeEvent;
  now: Date;
  /** The entry rules looked for a pause of this contact and flow (whilePaused: skip) and found none. */
  pauseChecked: boolean;
  /** The contact, read with the entry (null: read it here). */
  contact?: RuntimeContact | null;
}

const waitRow = z.object({
  id: z.string(),
  execution_id: z.string(),
  node_id: z.string().nullable(),
  kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
  due_at: z.date().nullable(),
  /** How late it fires, by the database's clock (the one its due time is on). */
  late_by_ms: z.number(),
});

const ACTIVE = new Set(['running', 'waiting', 'held']);

interface StepOutcomeFields {
  status: ExecutionStep['status'];
  output: Record<string, unknown>;
  outputName: string | null;
  errorCode?: string;
  errorMessage?: string;
}

/** Puts a step's outcome on its entity (what the store then writes). */
function recordOutcome(step: ExecutionStep, outcome: StepOutcomeFields, now: Date, finished: boolean): void {
  step.status = outcome.status;
  step.output = outcome.output;
  step.outputName = outcome.outputName;
  step.errorCode = outcome.errorCode ?? null;
  step.errorMessage = outcome.errorMessage ?? null;
  step.finishedAt = finished || outcome.status !== 'waiting' ? now : null;
  step.durationMs = step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : null;
}

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
  /** Steps run before being stored (the trigger): `finishStep` inserts them finished. */
  private readonly unstored = new WeakSet<ExecutionStep>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly servicesFactory: StepServicesFactory,
    private readonly workspaces: WorkspaceSettingsService,
    private readonly pauses: PauseService,
    private readonly notifier: NotifierService,
    private readonly clock: Clock,
    private readonly databaseClock: DatabaseClock,
    private readonly metrics: EngineMetrics,
    private readonly store: ExecutionStore,
  ) {}

  /** Advances a running execution as far as it goes (end, wait or hold). */
  async run(executionId: string, db: EntityManager = this.dataSource.manager): Promise<void> {
    const state = await this.load(db, executionId);
    if (!state || state.execution.status !== 'running') return;
    await this.advance(state);
  }

  /**
   * Runs an execution the caller has just entered (`ExecutionStore.enter`)
   * for `event`: its state is what was just stored (running at the trigger,
   * no variables, no steps), so it is not read back; only the contact is
   * loaded. An execution found again after a crash goes through `run`.
   */
  async runEntered(entered: EnteredExecution, db: EntityManager = this.dataSource.manager): Promise<void> {
    const execution = db.getRepository(Execution).create({
      id: entered.id,
      workspaceId: entered.workspaceId,
      flowId: entered.flowId,
      flowVersionId: entered.flow.versionId,
      contactId: entered.event.contactId,
      triggerEventId: entered.event.id,
      status: 'running',
      currentNodeId: entered.flow.trigger.node.id,
      vars: {},
      errorCode: null,
      errorMessage: null,
      endedReason: null,
      holdReason: null,
      testMode: false,
      skipWaits: false,
      startedAt: entered.now,
      finishedAt: null,
      updatedAt: entered.now,
    });
    const workspace = await this.workspaces.get(entered.workspaceId);
    const contact = entered.contact ?? (await loadRuntimeContact(db, entered.workspaceId, entered.event.contactId));
    if (!contact) {
      // Gone since the event was stored (erased, merged away): what `run` does with a lost input.
      await this.run(entered.id, db);
      return;
    }
    const state: RunState = {
      db,
      execution,
      flow: entered.flow,
      event: entered.event,
      contact,
      workspace,
      steps: [],
      retryOf: null,
      firing: null,
      pauseChecked: entered.pauseChecked,
      pauseLooked: false,
      triggerDone: null,
    };
    await this.advance(state);
  }

  /**
   * Wakes the execution waiting on `waitId`. Returns false when the wait was
   * already handled (fired or cancelled), so a wake is never applied twice.
   */
  async wake(
    waitId: string,
    outcome: WakeUp['outcome'],
    event: RuntimeEvent | null,
    db: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const now = this.clock.now();
    const wait = await preparedSqlRow(
      db,
      waitRow,
      `SELECT id, execution_id, node_id, kind, due_at,
              greatest(0, floor(extract(epoch FROM coalesce($2::timestamptz, now()) - due_at) * 1000))::float8 AS late_by_ms
         FROM waits WHERE id = $1 AND status = 'waiting' AND execution_id IS NOT NULL`,
      [waitId, this.databaseClock.fixed()],
    );
    if (!wait) return false;
    const state = await this.load(db, wait.execution_id);
    if (!state || (state.execution.status !== 'waiting' && state.execution.status !== 'held')) {
      await this.store.cancelStaleWait(db, waitId, now);
      return true;
    }
    const lateByMs = wait.due_at && outcome !== 'received' ? wait.late_by_ms : 0;
    if (wait.due_at && outcome !== 'received') this.metrics.waitLateness.observe({ kind: wait.kind }, lateByMs / 1000);
    state.firing = { waitId, outcome, lateByMs };
    state.execution.status = 'running';
    state.execution.holdReason = null;

    if (wait.kind === 'retry' || wait.kind === 'hold') {
      if (wait.kind === 'retry')
        state.retryOf = [...state.steps].reverse().find((s) => s.nodeId === wait.node_id && s.status === 'failed') ?? null;
      state.firing = null;
      await this.store.resume(db, state.execution.id, { waitId, outcome, lateByMs }, now);
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

  /** The wait being woken, handed to the store once: it is marked fired with the first thing the run records. */
  private takeFiring(state: RunState): Firing | null {
    const firing = state.firing;
    state.firing = null;
    return firing;
  }

  /** Ends an active execution from outside (goal reached, cancelled, restarted, unpublished). */
  async end(
    executionId: string,
    status: 'succeeded' | 'cancelled',
    reason: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    return this.store.end(manager, executionId, status, reason, this.clock.now());
  }

  private async load(db: EntityManager, executionId: string): Promise<RunState | null> {
    const execution = await db.getRepository(Execution).findOne({ where: { id: executionId } });
    if (!execution || !ACTIVE.has(execution.status) || execution.contactId === null) return null;
    // One after the other: on the contact's connection they would queue anyway (pg refuses overlapping queries on one client).
    const flow = await this.versions.get(execution.flowVersionId);
    const workspace = await this.workspaces.get(execution.workspaceId);
    const eventRow = await preparedSqlRow(db, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1`, [
      execution.triggerEventId,
    ]);
    const contact = await loadRuntimeContact(db, execution.workspaceId, execution.contactId);
    const steps = await db.getRepository(ExecutionStep).find({ where: { executionId }, order: { sequence: 'ASC' } });
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
      await this.store.failLostInput(db, executionId, 'The trigger event or contact is gone.', this.clock.now());
      return null;
    }
    return {
      db,
      execution,
      flow,
      event: toRuntimeEvent(eventRow),
      contact,
      workspace,
      steps,
      retryOf: null,
      firing: null,
      pauseChecked: false,
      pauseLooked: false,
      triggerDone: null,
    };
  }

  private async advance(state: RunState): Promise<void> {
    const { execution, flow } = state;
    // The contact was loaded with the run; only steps with side effects (tags, fields...) change it.
    let contactStale = false;
    while (execution.status === 'running' && execution.currentNodeId !== null) {
      const nodeId: string = execution.currentNodeId;
      const compiled = flow.steps.get(nodeId);
      if (compiled?.definition.sideEffect && !execution.testMode) {
        // Within one pass the entry's look stands, for this step and for its send (the policy gate does not look
        // again): one pause look per send, milliseconds before it, whichever of the entry or the runner made it.
        const pause = state.pauseChecked
          ? null
          : await this.pauses.active(execution.workspaceId, state.contact.id, execution.flowId, state.db);
        state.pauseLooked = true;
        state.pauseChecked = false;
        if (pause) {
          await this.hold(state, nodeId, pause);
          return;
        }
      }
      if (contactStale) {
        const fresh = await loadRuntimeContact(state.db, execution.workspaceId, state.contact.id);
        if (fresh) state.contact = fresh;
        contactStale = false;
      }
      const step = await this.startStep(state, nodeId);
      const result = await this.execute(state, step, null);
      await this.apply(state, step, result);
      if (compiled?.definition.sideEffect) contactStale = true;
    }
    await this.flushTrigger(state);
  }

  /** Writes the trigger's finished step and the execution's move when no next step took them along. */
  private async flushTrigger(state: RunState): Promise<void> {
    const done = state.triggerDone;
    if (!done) return;
    state.triggerDone = null;
    await this.store.finishNewStep(state.db, done.step, done.position, done.now);
  }

  /** Reuses the step left "running" by a crash, or records a new attempt or visit. */
  private async startStep(state: RunState, nodeId: string): Promise<ExecutionStep> {
    const repository = state.db.getRepository(ExecutionStep);
    const last = state.steps[state.steps.length - 1];
    if (last && last.nodeId === nodeId && last.status === 'running') {
      await this.flushTrigger(state);
      last.attempt += 1;
      await this.store.bumpAttempt(state.db, last.id, last.attempt);
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
    // The trigger only hands on its event: it is stored once, finished, with the execution's next position.
    if (isTrigger) {
      this.unstored.add(step);
      state.steps.push(step);
      return step;
    }
    const done = state.triggerDone;
    state.triggerDone = null;
    if (done) {
      await this.store.finishNewStepAndStart(state.db, done.step, done.position, step, done.now);
      state.steps.push(step);
      return step;
    }
    const saved = await this.store.startStep(state.db, step);
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
      // The step's effects commit what the pass wrote before them (see StepServicesFactory); reads need no commit.
      work: workTransactionOf(state.db),
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
      pauseLooked: state.pauseLooked,
    });
    state.pauseLooked = false;
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

  /** Applies what the state machine (`decide`, in flow-core) makes of a step's result. */
  private async apply(state: RunState, step: ExecutionStep, result: StepResult): Promise<void> {
    const { execution, flow } = state;
    const now = this.clock.now();
    const transition = decide(
      { vars: execution.vars, testMode: execution.testMode, skipWaits: execution.skipWaits },
      { nodeId: step.nodeId, attempt: step.attempt },
      result,
      flowVersionView(flow),
      now,
    );
    const recorded = transition.step;
    if (this.unstored.has(step) && !(transition.kind === 'next' || (transition.kind === 'end' && transition.status === 'succeeded'))) {
      // Never for a trigger today; were it to wait or fail, its step must exist for the store to record that.
      this.unstored.delete(step);
      const saved = await this.store.startStep(state.db, step);
      step.id = saved.id;
    }
    if (recorded.decision) step.decision = { ...(step.decision ?? {}), ...recorded.decision };
    const outcome = {
      status: recorded.status,
      output: recorded.output,
      outputName: recorded.outputName,
      errorCode: recorded.errorCode ?? undefined,
      errorMessage: recorded.errorMessage ?? undefined,
    };
    switch (transition.kind) {
      case 'next':
      case 'branch':
        execution.vars = transition.vars;
        await this.finishStep(state, step, outcome, transition.nodeId, 'running', 'completed');
        return;
      case 'end':
        if (transition.status === 'failed') {
          await this.fail(state, step, recorded.errorCode ?? 'failed', recorded.errorMessage ?? '', recorded.output);
          return;
        }
        execution.vars = transition.vars;
        await this.finishStep(state, step, outcome, null, 'succeeded', transition.reason);
        return;
      case 'wait':
      case 'retry':
        recordOutcome(step, outcome, now, recorded.finished);
        this.observeStep(step);
        await this.store.waitStep(
          state.db,
          step,
          this.takeFiring(state),
          {
            executionId: execution.id,
            workspaceId: execution.workspaceId,
            contactId: state.contact.id,
            nodeId: step.nodeId,
            wait: transition.wait,
            // A retry leaves the variables as they were.
            vars: transition.kind === 'wait' ? transition.vars : null,
          },
          now,
        );
        execution.status = 'waiting';
        return;
    }
  }

  private observeStep(step: ExecutionStep): void {
    if (step.durationMs !== null)
      this.metrics.stepDuration.observe({ node_type: step.nodeType, status: step.status }, step.durationMs / 1000);
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
    recordOutcome(step, outcome, now, true);
    this.observeStep(step);
    const position = { id: execution.id, status, currentNodeId: execution.currentNodeId, vars: execution.vars, endedReason };
    if (this.unstored.has(step) && state.firing === null) {
      this.unstored.delete(step);
      // Moving on to a step: written with that step's "running" row, one statement (same transaction either way).
      if (status === 'running' && next !== null && state.flow.steps.has(next)) state.triggerDone = { step, position, now };
      else await this.store.finishNewStep(state.db, step, position, now);
    } else {
      if (this.unstored.delete(step)) step.id = (await this.store.startStep(state.db, step)).id;
      await this.store.finishStep(state.db, step, this.takeFiring(state), position, now);
    }
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
    if (step) {
      recordOutcome(step, { status: 'failed', output: data, outputName: null, errorCode, errorMessage }, now, true);
      this.observeStep(step);
    }
    await this.store.failExecution(
      state.db,
      execution.id,
      step,
      this.takeFiring(state),
      { errorCode, errorMessage, currentNodeId: execution.currentNodeId },
      now,
    );
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
    // The failure is stored before the team hears of it (the notification goes through another connection).
    await workTransactionOf(state.db)?.checkpoint();
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
    await this.flushTrigger(state);
    execution.status = 'held';
    await this.store.hold(
      state.db,
      { executionId: execution.id, workspaceId: execution.workspaceId, contactId: state.contact.id, nodeId, reason, until: pause.until },
      execution.vars,
      now,
    );
  }
}
