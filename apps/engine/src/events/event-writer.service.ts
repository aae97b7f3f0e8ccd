import { Injectable } from '@nestjs/common';
import type { EventType } from '@parley/flow-core';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { preparedSqlRow } from '../runtime/prepared-sql';

export interface NewEvent {
  workspaceId: string;
  contactId: string;
  type: EventType;
  /** Where the event comes from ("whatsapp", "crm", "contact", "schedule"...). */
  source: string;
  /** Unique per source: a second event with the same id is ignored. Defaults to a new random id. */
  sourceId?: string;
  occurredAt?: Date;
  payload: Record<string, unknown>;
}

/** Stores events, once per (workspace, source, source id). */
@Injectable()
export class EventWriterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Returns the new event id, or null when an event with that source id exists. */
  async record(event: NewEvent, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const now = this.clock.now();
    const row = await preparedSqlRow(
      manager,
      z.object({ id: z.string() }),
      `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (workspace_id, source, source_id) DO NOTHING RETURNING id::text AS id`,
      [
        event.workspaceId,
        event.contactId,
        event.type,
        event.source,
        event.sourceId ?? randomUUID(),
        event.occurredAt ?? now,
        now,
        JSON.stringify(event.payload),
      ],
    );
    return row?.id ?? null;
  }

  /** `record` for many events in one statement (a CRM page creating its new contacts); the ones already stored are skipped. */
  async recordMany(events: readonly NewEvent[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (events.length === 0) return;
    const now = this.clock.now();
    await manager.query(
      `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload)
       SELECT v.workspace_id, v.contact_id, v.type, v.source, v.source_id, v.occurred_at, $2, v.payload
         FROM jsonb_to_recordset($1::jsonb) AS v(workspace_id uuid, contact_id uuid, type text, source text, source_id text,
                                                 occurred_at timestamptz, payload jsonb)
       ON CONFLICT (workspace_id, source, source_id) DO NOTHING`,
      [
        JSON.stringify(
          events.map((event) => ({
            workspace_id: event.workspaceId,
            contact_id: event.contactId,
            type: event.type,
            source: event.source,
            source_id: event.sourceId ?? randomUUID(),
            occurred_at: (event.occurredAt ?? now).toISOString(),
            payload: event.payload,
          })),
        ),
        now,
      ],
    );
  }
}
