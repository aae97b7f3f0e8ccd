import { Injectable, Logger } from '@nestjs/common';
import type { RuntimeEvent } from '@parley/node-sdk';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { FlowRunner } from '../runtime/flow-runner.service';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from './runtime-event-row';

/** Class id of the advisory locks that serialise one contact's events (the object id is a hash of the contact id). */
const CONTACT_LOCK_CLASS = 72_001;

const lockedRow = z.object({ locked: z.boolean() });
const idRow = z.object({ id: z.string() });
const publishedRow = z.object({ flow_id: z.string(), version_id: z.string() });

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs flows for stored events. A contact's events are handled one at a time
 * in the order they happened, under an advisory lock, so two workers never
 * interleave the same contact; different contacts run in parallel.
 */
@Injectable()
export class EventProcessorService {
  private readonly logger = new Logger('EventProcessor');

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly runner: FlowRunner,
    private readonly clock: Clock,
  ) {}

  /**
   * Handles every pending event of `contactId`. When another process holds the
   * contact it returns at once: the holder re-checks for pending events after
   * it lets go, and this event was committed before we tried, so it is seen.
   */
  async processContact(contactId: string): Promise<void> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      for (;;) {
        const lock = await sqlRow(connection, lockedRow, 'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked', [CONTACT_LOCK_CLASS, contactId]);
        if (!lock?.locked) return;
        try {
          for (let next = await this.nextPending(contactId); next; next = await this.nextPending(contactId)) {
            await this.handle(next);
          }
        } finally {
          await connection.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [CONTACT_LOCK_CLASS, contactId]);
        }
        if (!(await this.nextPending(contactId))) return;
      }
    } finally {
      await connection.release();
    }
  }

  /** Handles one event that has no contact (e.g. a schedule tick). */
  async processEvent(eventId: string): Promise<void> {
    const row = await sqlRow(this.dataSource, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1 AND processed_at IS NULL`, [
      eventId,
    ]);
    if (row) await this.handle({ workspaceId: row.workspace_id, event: toRuntimeEvent(row) });
  }

  private async nextPending(contactId: string): Promise<{ workspaceId: string; event: RuntimeEvent } | null> {
    const row = await sqlRow(
      this.dataSource,
      runtimeEventRow,
      `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events
        WHERE contact_id = $1 AND processed_at IS NULL
        ORDER BY occurred_at, id LIMIT 1`,
      [contactId],
    );
    return row ? { workspaceId: row.workspace_id, event: toRuntimeEvent(row) } : null;
  }

  private async handle({ workspaceId, event }: { workspaceId: string; event: RuntimeEvent }): Promise<void> {
    // Executions this event already started (we may be resuming after a crash) run first.
    const existing = await sqlRows(this.dataSource, idRow, `SELECT id FROM executions WHERE trigger_event_id = $1 AND status = 'running' ORDER BY started_at`, [
      event.id,
    ]);
    const toRun = existing.map((r) => r.id);
    for (const id of await this.startExecutions(workspaceId, event)) {
      if (!toRun.includes(id)) toRun.push(id);
    }
    for (const id of toRun) await this.runner.run(id);
    await this.dataSource.query('UPDATE events SET processed_at = $2 WHERE id = $1', [event.id, this.clock.now()]);
  }

  /** Creates an execution for every published flow whose trigger matches; unique per (flow, event). */
  private async startExecutions(workspaceId: string, event: RuntimeEvent): Promise<string[]> {
    const published = await sqlRows(
      this.dataSource,
      publishedRow,
      'SELECT id AS flow_id, published_version_id AS version_id FROM flows WHERE workspace_id = $1 AND published_version_id IS NOT NULL ORDER BY created_at',
      [workspaceId],
    );
    const started: string[] = [];
    for (const { flow_id: flowId, version_id: versionId } of published) {
      let matches = false;
      let triggerNodeId = '';
      try {
        const flow = await this.versions.get(versionId);
        triggerNodeId = flow.trigger.node.id;
        matches = flow.trigger.handler.eventTypes.includes(event.type) && flow.trigger.handler.matches({ config: flow.trigger.config, event });
      } catch (error) {
        this.logger.error(`Flow ${flowId} version ${versionId} could not be matched against event ${event.id}: ${errorText(error)}`);
      }
      if (!matches) continue;
      const now = this.clock.now();
      const created = await sqlRow(
        this.dataSource,
        idRow,
        `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, trigger_event_id, status, current_node_id, started_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $7)
         ON CONFLICT (flow_id, trigger_event_id) DO NOTHING RETURNING id`,
        [workspaceId, flowId, versionId, event.contactId, event.id, triggerNodeId, now],
      );
      if (created) started.push(created.id);
    }
    return started;
  }
}
