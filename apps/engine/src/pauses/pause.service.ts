import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DatabaseClock } from '../common/database-clock';
import { type SqlExecutor, sqlRow, sqlRows } from '../database/sql-rows';
import { preparedSqlRow } from '../runtime/prepared-sql';
import { StreamPublisher } from '../stream/stream-publisher.service';
import { activePauseCondition } from './active-pause-condition';

export type PauseScope = 'contact' | 'flow' | 'workspace';

/** Who started or ended a pause: a person, an agent's message, a flow, or the system. */
export interface PauseActor {
  kind: 'user' | 'agent_message' | 'flow' | 'system';
  userId: string | null;
}

export interface ActivePause {
  id: string;
  scope: PauseScope;
  reason: string;
  /** When automation resumes by itself; null when someone must resume it. */
  until: Date | null;
}

const pauseRow = z.object({
  id: z.string(),
  scope: z.enum(['contact', 'flow', 'workspace']),
  reason: z.string(),
  ends_at: z.date().nullable(),
});

/** What `pause` did: made a pause, or extended the open one (whose end was `previousUntil`). */
export interface PauseOutcome {
  id: string;
  created: boolean;
  previousUntil: Date | null;
  /** When automation resumes now (null: when someone resumes it). */
  until: Date | null;
}

export interface NewPause {
  workspaceId: string;
  scope: PauseScope;
  contactId?: string;
  flowId?: string;
  until: Date | null;
  reason: string;
  actor: PauseActor;
}

/**
 * Human takeover and other pauses of automation, per contact, per flow or
 * for the whole workspace. Every pause and resume is stored with who caused it.
 */
@Injectable()
export class PauseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly databaseClock: DatabaseClock,
    private readonly audit: AuditService,
    private readonly stream: StreamPublisher,
  ) {}

  /**
   * The pause that applies to this contact and flow now (the one lasting longest), or null. `db`: where to read
   * (a contact pass reads in its own transaction, one commit fewer per message).
   */
  async active(
    workspaceId: string,
    contactId: string,
    flowId: string | null,
    db: SqlExecutor = this.dataSource,
  ): Promise<ActivePause | null> {
    // Prepared: entry rules and side-effect steps look once per message (issue 12).
    const row = await preparedSqlRow(
      db,
      pauseRow,
      `SELECT id, scope, reason, ends_at FROM automation_pauses
        WHERE ${activePauseCondition('$1', '$2', '$3', '$4')}
        ORDER BY ends_at DESC NULLS FIRST LIMIT 1`,
      [workspaceId, contactId, flowId, this.clock.now()],
    );
    return row ? { id: row.id, scope: row.scope, reason: row.reason, until: row.ends_at } : null;
  }

  /**
   * Pauses a scope, with its audit entry. A scope already paused keeps its
   * one pause, extended (never shortened) to the later end, or to "until
   * resumed": repeated pauses extend, they do not stack.
   */
  async pause(input: NewPause): Promise<PauseOutcome> {
    return this.dataSource.transaction((manager) => this.insertPause(manager, input));
  }

  /**
   * Takes back a pause that turned out unneeded (an agent's message WhatsApp
   * refused): a new pause ends, an extended one gets its old end back.
   * Returns the contacts whose held executions the caller should dispatch.
   */
  async undo(workspaceId: string, outcome: PauseOutcome, actor: PauseActor): Promise<string[]> {
    if (outcome.created) return this.end(workspaceId, outcome.id, actor);
    await this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ contact_id: z.string().nullable() }),
        'UPDATE automation_pauses SET ends_at = $3 WHERE id = $1 AND workspace_id = $2 AND ended_at IS NULL RETURNING contact_id',
        [outcome.id, workspaceId, outcome.previousUntil],
      );
      if (row) await this.announce(manager, workspaceId, row.contact_id);
    });
    return [];
  }

  private async insertPause(manager: EntityManager, input: NewPause): Promise<PauseOutcome> {
    const now = this.clock.now();
    const open = await sqlRow(
      manager,
      z.object({ id: z.string(), ends_at: z.date().nullable() }),
      `SELECT id, ends_at FROM automation_pauses
        WHERE workspace_id = $1 AND scope = $2 AND ended_at IS NULL AND starts_at <= $5 AND (ends_at IS NULL OR ends_at > $5)
          AND (($2 = 'contact' AND contact_id = $3) OR ($2 = 'flow' AND flow_id = $4) OR $2 = 'workspace')
        ORDER BY ends_at DESC NULLS FIRST LIMIT 1 FOR UPDATE`,
      [input.workspaceId, input.scope, input.contactId ?? null, input.flowId ?? null, now],
    );
    if (open) {
      const until =
        open.ends_at === null || input.until === null ? null : new Date(Math.max(open.ends_at.getTime(), input.until.getTime()));
      if (until?.getTime() !== open.ends_at?.getTime()) {
        await manager.query('UPDATE automation_pauses SET ends_at = $2 WHERE id = $1', [open.id, until]);
        await this.audit.record(
          {
            workspaceId: input.workspaceId,
            actorUserId: input.actor.userId,
            action: 'automation.pause_extended',
            subjectType: input.scope,
            subjectId: input.contactId ?? input.flowId ?? input.workspaceId,
            details: {
              pauseId: open.id,
              from: open.ends_at?.toISOString() ?? null,
              until: until?.toISOString() ?? null,
              reason: input.reason,
              by: input.actor.kind,
            },
          },
          manager,
        );
        await this.announce(manager, input.workspaceId, input.contactId ?? null);
      }
      return { id: open.id, created: false, previousUntil: open.ends_at, until };
    }
    const row = await sqlRow(
      manager,
      z.object({ id: z.string() }),
      `INSERT INTO automation_pauses (workspace_id, scope, contact_id, flow_id, starts_at, ends_at, reason, created_by, created_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        input.workspaceId,
        input.scope,
        input.contactId ?? null,
        input.flowId ?? null,
        now,
        input.until,
        input.reason,
        input.actor.kind,
        input.actor.userId,
      ],
    );
    if (!row) throw new Error('pause insert returned nothing');
    await this.audit.record(
      {
        workspaceId: input.workspaceId,
        actorUserId: input.actor.userId,
        action: 'automation.paused',
        subjectType: input.scope,
        subjectId: input.contactId ?? input.flowId ?? input.workspaceId,
        details: { pauseId: row.id, until: input.until?.toISOString() ?? null, reason: input.reason, by: input.actor.kind },
      },
      manager,
    );
    await this.announce(manager, input.workspaceId, input.contactId ?? null);
    return { id: row.id, created: true, previousUntil: null, until: input.until };
  }

  /** Tells live views that a contact's (or, with null, the workspace's) automation state changed. */
  private async announce(manager: EntityManager, workspaceId: string, contactId: string | null): Promise<void> {
    await this.stream.publish(manager, { workspaceId, type: 'pause.changed', payload: { contactId } });
  }

  /**
   * Ends one pause now (an agent's takeover whose message never went out)
   * and makes the contact's held executions due, so they re-check.
   */
  async end(workspaceId: string, pauseId: string, actor: PauseActor): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const ended = await sqlRow(
        manager,
        z.object({ contact_id: z.string().nullable() }),
        `UPDATE automation_pauses SET ended_at = $3, ended_by = $4, ended_by_user_id = $5
          WHERE id = $1 AND workspace_id = $2 AND ended_at IS NULL RETURNING contact_id`,
        [pauseId, workspaceId, now, actor.kind, actor.userId],
      );
      if (!ended?.contact_id) return [];
      await this.announce(manager, workspaceId, ended.contact_id);
      await this.audit.record(
        {
          workspaceId,
          actorUserId: actor.userId,
          action: 'automation.resumed',
          subjectType: 'contact',
          subjectId: ended.contact_id,
          details: { pauses: [pauseId], by: actor.kind },
        },
        manager,
      );
      const woken = await sqlRows(
        manager,
        z.object({ contact_id: z.string() }),
        `UPDATE waits SET due_at = coalesce($3::timestamptz, now())
          WHERE workspace_id = $1 AND contact_id = $2 AND status = 'waiting' AND kind = 'hold' RETURNING contact_id`,
        [workspaceId, ended.contact_id, this.databaseClock.fixed()],
      );
      return [...new Set(woken.map((w) => w.contact_id))];
    });
  }

  /**
   * Ends the open pauses of a scope and makes the executions they held due
   * now (each re-checks on waking, so one still under another pause holds
   * again). Returns the contacts whose work the caller should dispatch.
   */
  async resume(
    workspaceId: string,
    scope: PauseScope,
    subjectId: string | null,
    actor: PauseActor,
  ): Promise<{ ended: number; contacts: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const ended = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        `UPDATE automation_pauses SET ended_at = $4, ended_by = $5, ended_by_user_id = $6
        WHERE workspace_id = $1 AND scope = $2 AND ended_at IS NULL
          AND (($2 = 'contact' AND contact_id = $3) OR ($2 = 'flow' AND flow_id = $3) OR $2 = 'workspace')
        RETURNING id`,
        [workspaceId, scope, subjectId, now, actor.kind, actor.userId],
      );
      const woken = await sqlRows(
        manager,
        z.object({ contact_id: z.string() }),
        `UPDATE waits w SET due_at = coalesce($4::timestamptz, now()) FROM executions e
        WHERE w.execution_id = e.id AND w.status = 'waiting' AND w.kind = 'hold' AND e.workspace_id = $1
          AND (($2 = 'contact' AND e.contact_id = $3) OR ($2 = 'flow' AND e.flow_id = $3) OR $2 = 'workspace')
        RETURNING w.contact_id`,
        [workspaceId, scope, subjectId, this.databaseClock.fixed()],
      );
      if (ended.length > 0) {
        await this.announce(manager, workspaceId, scope === 'contact' ? subjectId : null);
        await this.audit.record(
          {
            workspaceId,
            actorUserId: actor.userId,
            action: 'automation.resumed',
            subjectType: scope,
            subjectId: subjectId ?? workspaceId,
            details: { pauses: ended.map((e) => e.id), by: actor.kind, woken: woken.length },
          },
          manager,
        );
      }
      return { ended: ended.length, contacts: [...new Set(woken.map((w) => w.contact_id))] };
    });
  }
}
