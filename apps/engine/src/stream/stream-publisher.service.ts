import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '../database/sql-rows';
import { type NewStreamEvent, STREAM_NEW_CHANNEL } from './stream-event';

/**
 * Writes events for the live views in the caller's transaction, so an event
 * exists exactly when the change it tells of is committed. PostgreSQL delivers
 * the notification only at commit; the sequencer then numbers the rows in
 * commit order (see `StreamHub`).
 */
@Injectable()
export class StreamPublisher {
  /**
   * For a caller that publishes within a statement of its own writes (one
   * round trip for both): the WITH part `added` inserting the events bound
   * from `$first` to `$first + 3` (values from `parameters`), and the final
   * SELECT that notifies when any was added.
   */
  statementParts(first: number): { added: string; notify: string } {
    return {
      added: `added AS (INSERT INTO stream_events (workspace_id, user_id, type, payload)
                SELECT * FROM unnest($${first}::uuid[], $${first + 1}::uuid[], $${first + 2}::text[], $${first + 3}::jsonb[]) RETURNING 1)`,
      notify: `SELECT pg_notify('${STREAM_NEW_CHANNEL}', '') FROM (SELECT count(*) AS n FROM added) AS inserted WHERE inserted.n > 0`,
    };
  }

  /** The four parameters of `statementParts` for `events`. */
  parameters(events: readonly NewStreamEvent[]): unknown[] {
    return [
      events.map((e) => e.workspaceId),
      events.map((e) => e.userId ?? null),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
    ];
  }

  async publish(executor: SqlExecutor, events: NewStreamEvent | readonly NewStreamEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    // One statement for the rows and the notification: one round trip less in every transaction that publishes.
    await executor.query(
      `WITH added AS (INSERT INTO stream_events (workspace_id, user_id, type, payload)
                      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) RETURNING 1)
       SELECT pg_notify('${STREAM_NEW_CHANNEL}', '') FROM (SELECT count(*) FROM added) AS inserted`,
      this.parameters(list),
    );
  }
}
