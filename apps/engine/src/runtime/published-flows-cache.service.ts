import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';

const publishedRow = z.object({ flow_id: z.string(), version_id: z.string() });
export type PublishedFlow = z.infer<typeof publishedRow>;

/** Sent by the `flows_published_notify` trigger, with the workspace id, when a change to `flows` commits. */
const CHANNEL = 'parley_published_flows';
/** After losing the listener, how long to run uncached before connecting again. */
const RECONNECT_AFTER_MS = 5000;

/**
 * Each workspace's published flows (id and version, in creation order), kept
 * in memory so a message does not read them again. A change to `flows`
 * (publish, unpublish, rollback, archive) notifies every process when it
 * commits, and the workspace's list is read afresh. Without a listening
 * connection nothing is cached: every call reads, as before. A list read
 * while a notification arrived is used but not kept, so a stale list is
 * never cached. The entry itself is guarded too: `ExecutionStore.enter`
 * lets in only the version that is published when it inserts.
 */
@Injectable()
export class PublishedFlowsCache implements OnApplicationShutdown {
  private readonly logger = new Logger('PublishedFlowsCache');
  private readonly byWorkspace = new Map<string, PublishedFlow[]>();
  /** Moves on every notification and (re)connection: a read that saw it move is not kept. */
  private generation = 0;
  private listener: Client | null = null;
  private connecting = false;
  private retryAt = 0;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async get(workspaceId: string): Promise<PublishedFlow[]> {
    if (this.listener) {
      const cached = this.byWorkspace.get(workspaceId);
      if (cached) return cached;
    } else {
      this.listen();
    }
    const generation = this.generation;
    const rows = await sqlRows(
      this.dataSource,
      publishedRow,
      'SELECT id AS flow_id, published_version_id AS version_id FROM flows WHERE workspace_id = $1 AND published_version_id IS NOT NULL ORDER BY created_at',
      [workspaceId],
    );
    if (this.listener && generation === this.generation) this.byWorkspace.set(workspaceId, rows);
    return rows;
  }

  /** Whether the workspace's list is kept in memory now (the next `get` reads nothing). */
  holds(workspaceId: string): boolean {
    return this.listener !== null && this.byWorkspace.has(workspaceId);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.forget();
    await listener?.end().catch(() => undefined);
  }

  /** Connects the listening client in the background (processes that never handle events never connect). */
  private listen(): void {
    if (this.connecting || this.closed || Date.now() < this.retryAt) return;
    this.connecting = true;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'parley-published-flows' });
    const lost = (reason: string) => {
      if (this.listener !== client) return;
      this.logger.warn(`Published flows listener lost its connection (${reason}); reading them per message meanwhile`);
      this.forget();
      this.retryAt = Date.now() + RECONNECT_AFTER_MS;
      void client.end().catch(() => undefined);
    };
    client.on('notification', (message) => {
      this.generation += 1;
      if (message.payload) this.byWorkspace.delete(message.payload);
      else this.byWorkspace.clear();
    });
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('ended'));
    void (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.generation += 1;
        this.listener = client;
      } catch (error) {
        this.retryAt = Date.now() + RECONNECT_AFTER_MS;
        this.logger.warn(`Could not listen for published flow changes: ${error instanceof Error ? error.message : String(error)}`);
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = false;
      }
    })();
  }

  private forget(): void {
    this.listener = null;
    this.generation += 1;
    this.byWorkspace.clear();
  }
}
