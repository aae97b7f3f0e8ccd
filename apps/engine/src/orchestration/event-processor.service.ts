import { Injectable, Logger } from '@nestjs/common';
import type { RuntimeContact, RuntimeEvent } from '@parley/node-sdk';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { DatabaseClock } from '../common/database-clock';
import { codeOfError } from '../common/error-code';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { preparedExecute, preparedSqlRow, preparedSqlRows } from '../runtime/prepared-sql';
import { EngineMetrics } from '../metrics/engine-metrics';
import { ExecutionStore } from '../executions/execution-store.service';
import { PauseService } from '../pauses/pause.service';
import type { CompiledFlow } from '../runtime/compiled-flow';
import { ConditionEngineService } from '../logic/condition-engine.service';
import { eventPassesFilter, readEventFilter } from '../logic/event-filter';
import { type EnteredExecution, FlowRunner } from './flow-runner.service';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';
import { type PublishedFlow, PublishedFlowsCache } from '../runtime/published-flows-cache.service';
import { TestRunMessagesService } from '../test-runs/test-run-messages.service';
import { type WorkspaceRuntimeSettings, WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from '../events/runtime-event-row';
import { inWorkTransaction, type WorkTransaction } from '../runtime/work-transaction';
import { sqlLiteral } from '../runtime/joined-statements';

const idRow = z.object({ id: z.string() });
const publishedRow = z.object({ flow_id: z.string(), version_id: z.string() });
const dueWaitRow = z.object({
  id: z.string(),
  kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
  due_at: z.date(),
  flow_id: z.string().nullable(),
  trigger_event_id: z.string().nullable(),
  workspace_id: z.string(),
});

/** How many pending events (and, apart, due waits) one statement fetches. */
const WORK_BATCH = 25;

/**
 * A contact's orphans, pending events and due waits in one statement, in one row shape
 * (migrations 1765270000000 and 1765296000000). With `$4` true it first takes the contact's lock, and answers
 * one row of kind 'busy' when another session holds it: lock and first fetch, one round trip. With `$5` true it
 * adds one row of kind 'idle' when the contact has no active execution.
 */
const WORK_SQL = 'SELECT * FROM parley_contact_work($1::uuid, $2::timestamptz, $3::integer, $4::boolean, $5::boolean)';

/** WORK_SQL with its values written in, to ride on BEGIN's round trip (runtime/work-transaction.ts). */
function lockAndWorkSql(contactId: string, now: Date | null): string {
  return `SELECT * FROM parley_contact_work(${sqlLiteral(contactId, 'uuid')}, ${sqlLiteral(now, 'timestamptz')}, ${WORK_BATCH}, true, true)`;
}
const workRow = z.object({
  kind: z.enum(['orphan', 'event', 'wait']),
  id: z.string(),
  at: z.date(),
  workspace_id: z.string(),
  type: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).nullable(),
  flow_id: z.string().nullable(),
  trigger_event_id: z.string().nullable(),
  contact_id: z.string(),
});
/** What a fetch answers: the work, and a row saying the contact has no active execution. */
const fetchedRow = z.union([z.object({ kind: z.literal('idle') }), workRow]);
/** What the lock-taking fetch answers: the work, or only that someone else holds the contact. */
const lockedWorkRow = z.union([z.object({ kind: z.literal('busy') }), fetchedRow]);
type FetchedRow = z.infer<typeof fetchedRow>;

/**
 * Lets go of the contact's lock and says whether it has pending events or due waits, one
 * round trip; the check reads after the unlock (its own snapshot inside the function).
 */
const RELEASE_SQL = 'SELECT parley_contact_release($1::uuid, $2::timestamptz) AS pending';

/** RELEASE_SQL with its values written in, to ride on the final COMMIT's round trip. */
function releaseSql(contactId: string, now: Date | null): string {
  return `SELECT parley_contact_release(${sqlLiteral(contactId, 'uuid')}, ${sqlLiteral(now, 'timestamptz')}) AS pending`;
}
const pendingRow = z.object({ pending: z.boolean() });

/** What an event may act on: the contact's active executions (exit rules) and its waits for this event type. */
const LISTENING_SQL = `
  SELECT 'execution' AS kind, id, flow_id, flow_version_id, NULL::jsonb AS event_filter, started_at AS at
    FROM executions WHERE contact_id = $1 AND workspace_id = $2 AND status IN ('running', 'waiting', 'held')
  UNION ALL
  SELECT 'wait', id, NULL, NULL, event_filter, created_at
    FROM waits WHERE contact_id = $1 AND status = 'waiting' AND kind = 'event' AND event_type = $3
  ORDER BY at`;
const listeningRow = z.object({
  kind: z.enum(['execution', 'wait']),
  id: z.string(),
  flow_id: z.string().nullable(),
  flow_version_id: z.string().nullable(),
  event_filter: z.unknown(),
});
type ListeningRow = z.infer<typeof listeningRow>;

/** Whether `enter` looked for a pause before letting an execution of `flow` in (it did, and found none, when it let one in). */
function pauseChecked(flow: CompiledFlow): boolean {
  return flow.settings.whilePaused === 'skip';
}

/** What one pass over a contact's work has learnt and may reuse while it holds the contact. */
interface DrainMemo {
  /** The contact had no active execution at the last look, and nothing has run for it since. */
  noActiveExecutions: boolean;
}

type Work =
  | { kind: 'orphan'; executionId: string }
  | { kind: 'event'; workspaceId: string; event: RuntimeEvent; at: Date }
  | { kind: 'wait'; wait: z.infer<typeof dueWaitRow>; at: Date };

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
    private readonly databaseClock: DatabaseClock,
    private readonly metrics: EngineMetrics,
    private readonly store: ExecutionStore,
    private readonly publishedFlows: PublishedFlowsCache,
  ) {}

  /**
   * Handles everything due for `contactId`. When another process holds the
   * contact it returns at once: the holder looks for more work after it lets
   * go, and anything dispatched to us was stored before we tried, so it is seen.
   */
  async processContact(contactId: string): Promise<void> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    // One connection per contact in flight: it holds the lock (a session lock, so it outlives the commits) and runs
    // the pass's work in as few transactions as its guarantees allow (runtime/work-transaction.ts): the lock and fetch,
    // the entry and the steps up to a side effect commit together; a send's claim commits before its HTTP call and
    // its result with the step's end and the events' processed mark. Statements on this connection never wait for
    // another pooled one while they hold rows: what steps write through the pool (tags, coupons...) runs after a
    // checkpoint. The unlock comes after the last commit, so whoever takes the contact next sees all of it.
    // BEGIN carries the lock and first fetch, and the final COMMIT the events' processed mark and the unlock: one round
    // trip each (runtime/joined-statements.ts).
    try {
      for (;;) {
        let busy = false;
        let released = false;
        let pending = false;
        try {
          const { after } = await inWorkTransaction(
            connection,
            async (work, opened) => {
              const first: FetchedRow[] = [];
              for (const value of opened) {
                const row = lockedWorkRow.parse(value);
                if (row.kind === 'busy') {
                  busy = true;
                  return;
                }
                first.push(row);
              }
              work.afterCommit(releaseSql(contactId, this.databaseClock.fixed()));
              await this.drain(work, contactId, first);
            },
            lockAndWorkSql(contactId, this.databaseClock.fixed()),
          );
          const unlocked = after[0];
          if (unlocked !== undefined) {
            released = true;
            pending = pendingRow.parse(unlocked).pending;
          }
        } finally {
          // Work stored while we held the lock was dispatched to a processor that found it taken: it is ours. After a
          // failure the lock may be held all the same (advisory session locks outlive a rollback): let go of it too.
          if (!busy && !released) {
            const unlocked = await preparedSqlRow(connection, pendingRow, RELEASE_SQL, [contactId, this.databaseClock.fixed()]);
            pending = unlocked?.pending ?? false;
          }
        }
        if (busy || !pending) return;
      }
    } finally {
      await connection.release();
    }
  }

  /**
   * Runs the contact's orphans, then its pending events and due waits in
   * order, fetched together in batches of one statement, in the pass's work
   * transaction (`work`). Events are marked processed together at the end of
   * their batch; handling one again after a crash or a failure changes nothing (executions are unique per flow and event, waits
   * fire once), so a crash before the mark only repeats idempotent work.
   */
  private async drain(work: WorkTransaction, contactId: string, first: readonly FetchedRow[]): Promise<void> {
    const db = work.manager;
    const published = new Map<string, PublishedFlow[]>();
    const memo: DrainMemo = { noActiveExecutions: false };
    let rows: readonly FetchedRow[] | null = first;
    for (;;) {
      const batch = this.orderWork(rows ?? (await this.fetchWork(db, contactId)));
      rows = null;
      // The fetch found no active execution: the first event needs no look for exit rules and event waits.
      memo.noActiveExecutions = batch.idle;
      const handled: string[] = [];
      for (const item of batch.work) {
        if (item.kind !== 'event') memo.noActiveExecutions = false;
        if (item.kind === 'orphan') await this.runner.run(item.executionId, db);
        else if (item.kind === 'wait') await this.handleWait(db, item.wait);
        else {
          await this.handleEvent(db, item.workspaceId, item.event, published, memo);
          handled.push(item.event.id);
        }
      }
      // Marked in the pass's transaction, with what the last of them did: after a failure the transaction rolls back
      // to its last checkpoint and the marks with it, and the events run again (idempotently) on the next try. The
      // last batch's mark rides on the commit's round trip; an earlier one's must be written before the next fetch.
      if (handled.length > 0) {
        if (batch.truncated)
          await preparedExecute(db, 'UPDATE events SET processed_at = $2 WHERE id = ANY($1::bigint[])', [handled, this.clock.now()]);
        else
          work.beforeCommit(
            `UPDATE events SET processed_at = ${sqlLiteral(this.clock.now(), 'timestamptz')} WHERE id = ANY(${sqlLiteral(handled, 'bigint[]')})`,
          );
      }
      if (!batch.truncated) return;
    }
  }

  /**
   * The next batch of the contact's work in the order it must run: executions
   * left "running" by a process that died mid-step first (we hold the contact,
   * so nobody else runs them), then pending events and due waits, whatever
   * happened first going first. When a list fills its batch, only what comes
   * before its last item is taken, so nothing is run out of order.
   */
  private async fetchWork(db: EntityManager, contactId: string): Promise<FetchedRow[]> {
    return preparedSqlRows(db, fetchedRow, WORK_SQL, [contactId, this.databaseClock.fixed(), WORK_BATCH, false, true]);
  }

  /** Puts a fetched batch in the order it must run (see fetchWork); `truncated` when a list filled its batch. */
  private orderWork(rows: readonly FetchedRow[]): { work: Work[]; truncated: boolean; idle: boolean } {
    const work: Work[] = [];
    const events: Extract<Work, { kind: 'event' }>[] = [];
    const waits: Extract<Work, { kind: 'wait' }>[] = [];
    let idle = false;
    for (const row of rows) {
      if (row.kind === 'idle') idle = true;
      else if (row.kind === 'orphan') work.push({ kind: 'orphan', executionId: row.id });
      else if (row.kind === 'event') {
        const event = runtimeEventRow.parse({ ...row, occurred_at: row.at, payload: row.payload ?? {}, processed_at: null });
        events.push({ kind: 'event', workspaceId: row.workspace_id, event: toRuntimeEvent(event), at: row.at });
      } else {
        const wait = dueWaitRow.parse({ ...row, kind: row.type, due_at: row.at });
        waits.push({ kind: 'wait', wait, at: row.at });
      }
    }
    // Each list comes sorted from its own subquery; sorting again costs nothing and does not lean on UNION ALL keeping it.
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.event.id) - Number(b.event.id));
    waits.sort((a, b) => a.at.getTime() - b.at.getTime());
    const eventsFull = events.length === WORK_BATCH;
    const waitsFull = waits.length === WORK_BATCH;
    const lastEvent = events[events.length - 1];
    const lastWait = waits[waits.length - 1];
    const limit = Math.min(
      eventsFull && lastEvent ? lastEvent.at.getTime() : Infinity,
      waitsFull && lastWait ? lastWait.at.getTime() : Infinity,
    );
    let e = 0;
    let w = 0;
    for (;;) {
      const event = events[e];
      const wait = waits[w];
      // Whatever happened first goes first: an order that arrived late but was placed before a timeout still counts as in time.
      const next = event && (!wait || event.at <= wait.at) ? event : wait;
      if (!next || next.at.getTime() > limit) break;
      work.push(next);
      if (next === event) e += 1;
      else w += 1;
    }
    return { work, truncated: eventsFull || waitsFull, idle };
  }

  private async handleWait(db: EntityManager, wait: z.infer<typeof dueWaitRow>): Promise<void> {
    if (wait.kind === 'debounce') {
      const claimed = await this.store.fireDebounce(db, wait.id, this.clock.now());
      if (!claimed || !wait.flow_id || !wait.trigger_event_id) return;
      const eventRow = await sqlRow(db, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1`, [
        wait.trigger_event_id,
      ]);
      const published = await sqlRow(
        db,
        publishedRow,
        'SELECT id AS flow_id, published_version_id AS version_id FROM flows WHERE id = $1 AND published_version_id IS NOT NULL',
        [wait.flow_id],
      );
      if (!eventRow || !published) return;
      const flow = await this.versions.get(published.version_id);
      const event = toRuntimeEvent(eventRow);
      const entered = await this.enter(db, wait.workspace_id, published.flow_id, flow, event, true, false);
      if (entered)
        await this.runner.runEntered(
          {
            id: entered.id,
            contact: entered.contact,
            workspaceId: wait.workspace_id,
            flowId: published.flow_id,
            flow,
            event,
            now: this.clock.now(),
            pauseChecked: pauseChecked(flow),
          },
          db,
        );
      return;
    }
    await this.runner.wake(wait.id, wait.kind === 'event' ? 'timeout' : 'elapsed', null, db);
  }

  private async handleEvent(
    db: EntityManager,
    workspaceId: string,
    event: RuntimeEvent,
    published: Map<string, PublishedFlow[]>,
    memo: DrainMemo,
  ): Promise<void> {
    // A message a test run sent as the simulated customer starts that test run and nothing else: no live flow sees it.
    const testExecution = await this.testRunMessages.executionFor(workspaceId, event);
    if (testExecution) {
      memo.noActiveExecutions = false;
      await this.runner.run(testExecution, db);
    } else {
      const workspace = await this.workspaces.get(workspaceId);
      // The contact's active executions (for exit rules) and the waits this event may wake, in one statement. Not
      // needed when an earlier event of this pass found no active execution and nothing has run since (an event
      // wait belongs to an active execution): a new customer's contact.created and first message share one look.
      const listening = memo.noActiveExecutions
        ? []
        : await preparedSqlRows(db, listeningRow, LISTENING_SQL, [event.contactId, workspaceId, event.type]);
      memo.noActiveExecutions = !listening.some((r) => r.kind === 'execution');
      await this.applyExitRules(
        db,
        workspaceId,
        event,
        workspace,
        listening.filter((r) => r.kind === 'execution'),
      );
      await this.wakeEventWaits(
        db,
        event,
        workspace,
        listening.filter((r) => r.kind === 'wait'),
      );
      let flows = published.get(workspaceId);
      if (!flows) {
        flows = await this.publishedFlows.get(workspaceId);
        published.set(workspaceId, flows);
      }
      const { resumed, entered } = await this.startExecutions(db, workspaceId, event, workspace, flows, memo.noActiveExecutions);
      if (resumed.length > 0 || entered.length > 0) memo.noActiveExecutions = false;
      for (const id of resumed) await this.runner.run(id, db);
      for (const execution of entered) await this.runner.runEntered(execution, db);
    }
    this.metrics.eventsProcessed.inc({ type: event.type });
  }

  /** Goals: an event that matches a flow's exit rule ends the contact's active run of it. */
  private async applyExitRules(
    db: EntityManager,
    workspaceId: string,
    event: RuntimeEvent,
    workspace: WorkspaceRuntimeSettings,
    active: readonly ListeningRow[],
  ): Promise<void> {
    for (const execution of active) {
      if (!execution.flow_version_id) continue;
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
        await this.runner.end(execution.id, 'succeeded', 'goal_reached', db);
        break;
      }
    }
  }

  private async wakeEventWaits(
    db: EntityManager,
    event: RuntimeEvent,
    workspace: WorkspaceRuntimeSettings,
    waits: readonly ListeningRow[],
  ): Promise<void> {
    for (const wait of waits) {
      if (eventPassesFilter(readEventFilter(wait.event_filter), event.payload, workspace.intents)) {
        await this.runner.wake(wait.id, 'received', event, db);
      }
    }
  }

  /**
   * Matches every published flow's trigger and applies its entry rules;
   * returns the executions to run: those this event already started (we may
   * be resuming after a crash) and those just entered, in flow order.
   */
  private async startExecutions(
    db: EntityManager,
    workspaceId: string,
    event: RuntimeEvent,
    workspace: WorkspaceRuntimeSettings,
    published: readonly PublishedFlow[],
    noActiveExecutions: boolean,
  ): Promise<{ resumed: string[]; entered: EnteredExecution[] }> {
    let started: string[] | null = null;
    const entered: EnteredExecution[] = [];
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
      const inserted = await this.enter(db, workspaceId, flowId, flow, event, false, noActiveExecutions);
      // enter() answers only a row it inserted, so a new customer's message needs no other look.
      if (inserted)
        entered.push({
          id: inserted.id,
          contact: inserted.contact,
          workspaceId,
          flowId,
          flow,
          event,
          now: this.clock.now(),
          pauseChecked: pauseChecked(flow),
        });
      // Nothing inserted: this event may have started the flow before a crash; such a run is run again, never duplicated.
      else
        started = [
          ...(started ?? []),
          ...(
            await sqlRows(db, idRow, `SELECT id FROM executions WHERE flow_id = $1 AND trigger_event_id = $2 AND status = 'running'`, [
              flowId,
              event.id,
            ])
          ).map((r) => r.id),
        ];
    }
    return { resumed: started ?? [], entered };
  }

  /**
   * Applies a flow's entry rules for a matching event: pauses, once per
   * contact, re-entry and debounce. Returns the execution to run, if any;
   * a refused entry is recorded as a skipped execution with its reason.
   */
  private async enter(
    db: EntityManager,
    workspaceId: string,
    flowId: string,
    flow: CompiledFlow,
    event: RuntimeEvent,
    debounced: boolean,
    noActiveExecutions: boolean,
  ): Promise<{ id: string; contact: RuntimeContact | null } | null> {
    const settings = flow.settings;
    const now = this.clock.now();
    if (settings.debounceSeconds > 0 && !debounced) {
      // Each new event pushes the start back; the last one wins.
      await this.store.debounce(db, {
        workspaceId,
        contactId: event.contactId,
        flowId,
        triggerEventId: event.id,
        quietMs: settings.debounceSeconds * 1000,
      });
      return null;
    }
    let skip: string | null = null;
    // When no other entry rule has anything to look at (not once per contact, and the pass saw no active execution:
    // a new customer's first message), the pause look goes inside the execution's INSERT: one round trip fewer.
    const pauseInInsert = settings.whilePaused === 'skip' && !settings.oncePerContact && noActiveExecutions;
    if (settings.whilePaused === 'skip' && !pauseInInsert && (await this.pauses.active(workspaceId, event.contactId, flowId, db)))
      skip = 'paused';
    // Test runs are invisible to entry rules: testing a flow never stops a customer from entering it for real.
    if (!skip && settings.oncePerContact) {
      const before = await sqlRow(
        db,
        idRow,
        `SELECT id FROM executions WHERE flow_id = $1 AND contact_id = $2 AND status <> 'skipped' AND NOT test_mode AND trigger_event_id <> $3 LIMIT 1`,
        [flowId, event.contactId, event.id],
      );
      if (before) skip = 'once_per_contact';
    }
    // Re-entry rules look at the contact's other active runs of this flow; none to look for when the pass saw the
    // contact with no active execution before this event (a new customer's first message).
    if (!skip && !noActiveExecutions) {
      const active = await sqlRows(
        db,
        idRow,
        `SELECT id FROM executions WHERE flow_id = $1 AND contact_id = $2 AND status IN ('running', 'waiting', 'held') AND NOT test_mode AND trigger_event_id <> $3`,
        [flowId, event.contactId, event.id],
      );
      if (active.length > 0 && settings.reentry === 'skip') skip = 'already_running';
      if (active.length > 0 && settings.reentry === 'restart') {
        for (const { id } of active) await this.runner.end(id, 'cancelled', 'restarted', db);
      }
    }
    const entered = await this.store.enterAs(db, {
      workspaceId,
      flowId,
      flowVersionId: flow.versionId,
      contactId: event.contactId,
      triggerEventId: event.id,
      skipReason: skip,
      triggerNodeId: flow.trigger.node.id,
      now,
      skipIfPaused: pauseInInsert,
      withContact: true,
    });
    if (entered?.status === 'skipped') this.metrics.executionsFinished.inc({ status: 'skipped' });
    return entered?.status === 'running' ? { id: entered.id, contact: entered.contact } : null;
  }
}
