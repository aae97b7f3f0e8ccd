import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';

interface Pending {
  body: Buffer;
  signedFor: string[] | null;
  /** Why the body is stored but never processed; null for a delivery to process. */
  rejection: string | null;
  receivedAt: Date;
  done: (error: Error | null) => void;
}

/** Rows per INSERT: 5 parameters each, far below PostgreSQL's 65,535. */
const MAX_BATCH = 500;
/** INSERTs in flight at once; deliveries arriving meanwhile wait and go together in the next one. */
const MAX_IN_FLIGHT = 4;

/**
 * Stores verified webhook bodies durably, many per INSERT when many arrive at
 * once (a group commit): at low load each goes at once, under load the
 * deliveries that arrive while earlier INSERTs run share the next one, so the
 * database does one round trip and one commit for dozens of POSTs. Every
 * caller still gets its answer only after its row is committed.
 */
@Injectable()
export class WebhookIngestService {
  private readonly logger = new Logger('WebhookIngest');
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves once the delivery is committed (and handed to processing, or
   * left for the sweeper). With a `rejection` it is stored `rejected`, with the
   * reason in its notes, and never processed.
   */
  store(body: Buffer, signedFor: string[] | null, rejection: string | null = null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ body, signedFor, rejection, receivedAt: this.clock.now(), done: (error) => (error ? reject(error) : resolve()) });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    let ids: string[];
    try {
      const parameters: unknown[] = [];
      const rows = batch.map((p, i) => {
        parameters.push(
          p.receivedAt,
          p.body,
          p.signedFor,
          p.rejection === null ? 'pending' : 'rejected',
          JSON.stringify(p.rejection === null ? [] : [`rejected: ${p.rejection}`]),
        );
        const at = `$${i * 5 + 1}::timestamptz`;
        const status = `$${i * 5 + 4}::text`;
        return `('whatsapp', ${at}, $${i * 5 + 2}::bytea, $${i * 5 + 3}::text[], ${status}, $${i * 5 + 5}::jsonb, CASE WHEN ${status} = 'rejected' THEN ${at} END)`;
      });
      const inserted = await sqlRows(
        this.dataSource,
        z.object({ id: z.string(), status: z.string() }),
        `INSERT INTO webhook_deliveries (provider, received_at, body, signed_for, status, notes, processed_at) VALUES ${rows.join(', ')}
         RETURNING id::text AS id, status`,
        parameters,
      );
      ids = inserted.filter((r) => r.status === 'pending').map((r) => r.id);
      for (const row of inserted) {
        if (row.status === 'rejected') this.logger.warn(`Webhook delivery ${row.id} stored rejected: beyond the webhook limits`);
      }
    } catch (error) {
      // Nothing was stored: every caller answers with an error and Meta delivers again.
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.done(failure);
      return;
    }
    // Stored durably already; if dispatch fails the sweeper picks the deliveries up.
    if (ids.length > 0) {
      await this.dispatcher.dispatch(ids.map((id) => ({ kind: 'webhook' as const, id }))).catch((error: unknown) => {
        this.logger.warn(`Dispatch of ${ids.length} webhook deliveries failed; the sweeper will retry: ${String(error)}`);
      });
    }
    for (const p of batch) p.done(null);
  }
}
