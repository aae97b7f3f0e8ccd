import { Injectable, Logger } from '@nestjs/common';
import type { RuntimeEvent } from '@parley/node-sdk';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { codeOfError } from '../common/error-code';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { EngineMetrics } from '../metrics/engine-metrics';
import { PauseService } from '../pauses/pause.service';
import type { CompiledFlow } from '../runtime/compiled-flow';
import { ConditionEngineService } from '../runtime/condition-engine.service';
import { eventPassesFilter, readEventFilter } from '../runtime/event-filter';
import { FlowRunner } from '../runtime/flow-runner.service';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';
import { TestRunMessagesService } from '../test-runs/test-run-messages.service';
import { type WorkspaceRuntimeSettings, WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from './runtime-event-row';

/** Class id of the advisory locks that serialise one contact's work (the object id is a hash of the contact id). */
const CONTACT_LOCK_CLASS = 72_001;

const lockedRow = z.object({ locked: z.boolean() });
const idRow = z.object({ id: z.string() });
const publishedRow = z.object({ flow_id: z.string(), version_id: z.string() });
const activeRow = z.object({ id: z.string(), flow_id: z.string(), flow_version_id: z.string() });
const dueWaitRow = z.object({
  id: z.string(),
  kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
  due_at: z.date(),
  flow_id: z.string().nullable(),
  trigger_event_id: z.string().nullable(),
  workspace_id: z.string(),
});
const eventWaitRow = z.object({ id: z.string(), event_filter: z.unknown() });

type Work = { kind: 'event'; workspaceId: string; event: RuntimeEvent } | { kind: 'wait'; wait: z.infer<typeof dueWaitRow> };

/**
 * Runs a contact's work in order, one item at a time, under an advisory lock:
 * its pending events (by their own timestamp) and its due waits (by due time),
 * interleaved. Different contacts run in parallel. Everything it does is
 * idempotent, so running it again after a crash finishes the job.
 */
@Injectable()
export class EventProcessorService {
  private readonly logger = new Logger('EventProcessor');

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly runner: FlowRunner,
    private readonly workspaces: WorkspaceSettingsService,
    private readonly pauses: PauseService,
    private readonly conditions: ConditionEngineService,
    private readonly testRunMessages: TestRunMessagesService,
    private readonly clock: Clock,
    private readonly metrics: EngineMetrics,
  ) {}

  /**
   * Handles everything due for `contactId`. When another process holds the
   * contact it returns at once: the holder looks for more work after it lets
   * go, and anything dispatched to us was stored before we tried, so it is seen.
   */
  async processContact(contactId: string): Promise<void> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      for (;;) {
        const lock = await sqlRow(connection, lockedRow, 'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked', [
          CONTACT_LOCK_CLASS,
          contactId,
        ]);
        if (!lock?.locked) return;
        try {
          await this.resumeOrphans(contactId);
          for (let work = await this.nextWork(contactId); work; work = await this.nextWork(contactId)) {
            if (work.kind === 'event') await this.handleEvent(work.workspaceId, work.event);
            else await this.handleWait(work.wait);
          }
        } finally {
          await connection.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [CONTACT_LOCK_CLASS, contactId]);
        }
        if (!(await this.nextWork(contactId))) return;
      }
    } finally {
      await connection.release();
    }
  }

  /** Executions left "running" by a process that died mid-step (we hold the contact, so nobody else runs them). */
  private async resumeOrphans(contactId: string): Promise<void> {
    const orphans = await sqlRows(
      this.dataSource,
      idRow,
      `SELECT id FROM executions WHERE contact_id = $1 AND status = 'running' ORDER BY started_at`,
      [contactId],
    );
    for (const { id } of orphans) await this.runner.run(id);
  }

  private async nextWork(contactId: string): Promise<Work | null> {
    const [eventRow, wait] = await Promise.all([
      sqlRow(
        this.dataSource,
        runtimeEventRow,
        `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE contact_id = $1 AND processed_at IS NULL ORDER BY occurred_at, id LIMIT 1`,
        [contactId],
      ),
      sqlRow(
        this.dataSource,
        dueWaitRow,
        `SELECT id, kind, due_at, flow_id, trigger_event_id::text AS trigger_event_id, workspace_id FROM waits
          WHERE contact_id = $1 AND status = 'waiting' AND due_at <= $2 ORDER BY due_at LIMIT 1`,
        [contactId, this.clock.now()],
      ),
    ]);
    // Whatever happened first goes first: an order that arrived late but was placed before a timeout still counts as in time.
    if (eventRow && (!wait || eventRow.occurred_at <= wait.due_at)) {
      return { kind: 'event', workspaceId: eventRow.workspace_id, event: toRuntimeEvent(eventRow) };
    }
    return wait ? { kind: 'wait', wait } : null;
  }

  private async handleWait(wait: z.infer<typeof dueWaitRow>): Promise<void> {
    if (wait.kind === 'debounce') {
      const claimed = await sqlRow(
        this.dataSource,
        idRow,
        `UPDATE waits SET status = 'fired', fired_at = $2, outcome = 'elapsed' WHERE id = $1 AND status = 'waiting' RETURNING id`,
        [wait.id, this.clock.now()],
      );
      if (!claimed || !wait.flow_id || !wait.trigger_event_id) return;
      const eventRow = await sqlRow(this.dataSource, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1`, [
        wait.trigger_event_id,
      ]);
      const published = await sqlRow(
        this.dataSource,
        publishedRow,
        'SELECT id AS flow_id, published_version_id AS version_id FROM flows WHERE id = $1 AND published_version_id IS NOT NULL',
        [wait.flow_id],
      );
      if (!eventRow || !published) return;
      const flow = await this.versions.get(published.version_id);
      const id = await this.enter(wait.workspace_id, published.flow_id, flow, toRuntimeEvent(eventRow), true);
      if (id) await this.runner.run(id);
      return;
    }
    await this.runner.wake(wait.id, wait.kind === 'event' ? 'timeout' : 'elapsed', null);
  }

  private async handleEvent(workspaceId: string, event: RuntimeEvent): Promise<void> {
    // A message a test run sent as the simulated customer starts that test run and nothing else: no live flow sees it.
    const testExecution = await this.testRunMessages.executionFor(workspaceId, event);
    if (testExecution) {
      await this.runner.run(testExecution);
    } else {
      const workspace = await this.workspaces.get(workspaceId);
      await this.applyExitRules(workspaceId, event, workspace);
      await this.wakeEventWaits(event, workspace);
      const started = await this.startExecutions(workspaceId, event, workspace);
      for (const id of started) await this.runner.run(id);
    }
    await this.dataSource.query('UPDATE events SET processed_at = $2 WHERE id = $1', [event.id, this.clock.now()]);
    this.metrics.eventsProcessed.inc({ type: event.type });
  }

  /** Goals: an event that matches a flow's exit rule ends the contact's active run of it. */
  private async applyExitRules(workspaceId: string, event: RuntimeEvent, workspace: WorkspaceRuntimeSettings): Promise<void> {
    const active = await sqlRows(
      this.dataSource,
      activeRow,
      `SELECT id, flow_id, flow_version_id FROM executions WHERE contact_id = $1 AND workspace_id = $2 AND status IN ('running', 'waiting', 'held')`,
      [event.contactId, workspaceId],
    );
    for (const execution of active) {
      const flow = await this.versions.get(execution.flow_version_id);
      for (const rule of flow.settings.exitOn) {
        if (rule.eventType !== event.type) continue;
        if (rule.when !== undefined && rule.when !== null) {
          const scope = { contactId: event.contactId, now: this.clock.now(), intents: workspace.intents, sentiment: workspace.sentiment };
          const { result } = await this.conditions
            .evaluate(rule.when, { event: { type: event.type, ...event.payload } }, scope)
            .catch((error: unknown) => {
              this.logger.warn(
                {
                  event: 'flow.exit_rule_failed',
                  workspaceId,
                  flowId: execution.flow_id,
                  flowVersionId: execution.flow_version_id,
                  executionId: execution.id,
                  eventId: event.id,
                  errorCode: codeOfError(error),
                },
                'An exit rule could not be evaluated',
              );
              return { result: false };
            });
          if (!result) continue;
        }
        await this.runner.end(execution.id, 'succeeded', 'goal_reached');
        break;
      }
    }
  }

  private async wakeEventWaits(event: RuntimeEvent, workspace: WorkspaceRuntimeSettings): Promise<void> {
    const waits = await sqlRows(
      this.dataSource,
      eventWaitRow,
      `SELECT id, event_filter FROM waits WHERE contact_id = $1 AND status = 'waiting' AND kind = 'event' AND event_type = $2 ORDER BY created_at`,
      [event.contactId, event.type],
    );
    for (const wait of waits) {
      if (eventPassesFilter(readEventFilter(wait.event_filter), event.payload, workspace.intents)) {
        await this.runner.wake(wait.id, 'received', event);
      }
    }
  }

  /** Matches every published flow's trigger and applies its entry rules; returns executions to run. */
  private async startExecutions(workspaceId: string, event: RuntimeEvent, workspace: WorkspaceRuntimeSettings): Promise<string[]> {
    const published = await sqlRows(
      this.dataSource,
      publishedRow,
      'SELECT id AS flow_id, published_version_id AS version_id FROM flows WHERE workspace_id = $1 AND published_version_id IS NOT NULL ORDER BY created_at',
      [workspaceId],
    );
    // An execution this event already started (we may be resuming after a crash) is run again rather than duplicated.
    const started = (
      await sqlRows(this.dataSource, idRow, `SELECT id FROM executions WHERE trigger_event_id = $1 AND status = 'running'`, [event.id])
    ).map((r) => r.id);
    for (const { flow_id: flowId, version_id: versionId } of published) {
      let flow: CompiledFlow;
      let matches = false;
      try {
        flow = await this.versions.get(versionId);
        const trigger = flow.trigger;
        matches =
          trigger.handler.eventTypes.includes(event.type) &&
          trigger.handler.matches({
            config: trigger.config,
            event,
            flowId,
            matchIntent: (text, intent) => workspace.intents.matches(text, intent),
          });
      } catch (error) {
        this.logger.error(
          {
            event: 'flow.trigger_match_failed',
            workspaceId,
            flowId,
            flowVersionId: versionId,
            eventId: event.id,
            errorCode: codeOfError(error),
          },
          'A trigger could not be matched against an event',
        );
        continue;
      }
      if (!matches) continue;
      const id = await this.enter(workspaceId, flowId, flow, event, false);
      if (id && !started.includes(id)) started.push(id);
    }
    return started;
  }

  /**
   * Applies a flow's entry rules for a matching event: pauses, once per
   * contact, re-entry and debounce. Returns the execution to run, if any;
   * a refused entry is recorded as a skipped execution with its reason.
   */
  private async enter(
    workspaceId: string,
    flowId: string,
    flow: CompiledFlow,
    event: RuntimeEvent,
    debounced: boolean,
  ): Promise<string | null> {
    const settings = flow.settings;
    const now = this.clock.now();
    if (settings.debounceSeconds > 0 && !debounced) {
      // Each new event pushes the start back; the last one wins.
      await this.dataSource.query(
        `INSERT INTO waits (workspace_id, contact_id, flow_id, trigger_event_id, kind, due_at) VALUES ($1, $2, $3, $4, 'debounce', $5)
         ON CONFLICT (flow_id, contact_id) WHERE status = 'waiting' AND kind = 'debounce'
         DO UPDATE SET due_at = EXCLUDED.due_at, trigger_event_id = EXCLUDED.trigger_event_id`,
        [workspaceId, event.contactId, flowId, event.id, new Date(now.getTime() + settings.debounceSeconds * 1000)],
      );
      return null;
    }
    let skip: string | null = null;
    if (settings.whilePaused === 'skip' && (await this.pauses.active(workspaceId, event.contactId, flowId))) skip = 'paused';
    // Test runs are invisible to entry rules: testing a flow never stops a customer from entering it for real.
    if (!skip && settings.oncePerContact) {
      const before = await sqlRow(
        this.dataSource,
        idRow,
        `SELECT id FROM executions WHERE flow_id = $1 AND contact_id = $2 AND status <> 'skipped' AND NOT test_mode AND trigger_event_id <> $3 LIMIT 1`,
        [flowId, event.contactId, event.id],
      );
      if (before) skip = 'once_per_contact';
    }
    if (!skip) {
      const active = await sqlRows(
        this.dataSource,
        idRow,
        `SELECT id FROM executions WHERE flow_id = $1 AND contact_id = $2 AND status IN ('running', 'waiting', 'held') AND NOT test_mode AND trigger_event_id <> $3`,
        [flowId, event.contactId, event.id],
      );
      if (active.length > 0 && settings.reentry === 'skip') skip = 'already_running';
      if (active.length > 0 && settings.reentry === 'restart') {
        for (const { id } of active) await this.runner.end(id, 'cancelled', 'restarted');
      }
    }
    const row = await sqlRow(
      this.dataSource,
      idRow,
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id, ended_reason, started_at, finished_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9)
       ON CONFLICT (flow_id, trigger_event_id) DO NOTHING RETURNING id`,
      [
        workspaceId,
        flowId,
        flow.versionId,
        event.contactId,
        event.id,
        skip ? 'skipped' : 'running',
        skip ? null : flow.trigger.node.id,
        skip,
        now,
        skip ? now : null,
      ],
    );
    if (row && skip) this.metrics.executionsFinished.inc({ status: 'skipped' });
    return row && !skip ? row.id : null;
  }
}
