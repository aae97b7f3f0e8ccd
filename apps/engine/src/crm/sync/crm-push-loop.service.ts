import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmSyncService } from './crm-sync.service';

/** Sent by the `crm_outbox_notify` trigger, with the connection's id, when queued changes commit. */
const CHANNEL = 'parley_crm_outbox';
/** After losing the listener, how long to rely on the timer alone before connecting again. */
const RECONNECT_AFTER_MS = 5000;
/**
 * Pushes of one connection start at least this far apart. A change after a quiet spell goes at once; under a steady
 * stream, the changes queued meanwhile go together in the CRM's batch writes. Without it, each push took the few
 * changes queued during the one before (about 20 at 200 changes/s): HubSpot then needed ~20 calls a second
 * (a read before write and a batch write per push) against its 190 per 10 s, hit the burst window and held every
 * change for up to 10 s (p99 10.3 s over 30 s at 200/s, h38's multi-process bench). At 500 ms a push carries ~100
 * changes: 4 calls a second.
 */
export const PUSH_SPACING_MS = 500;

/**
 * Pushes each connection's outbox as soon as a change is queued, apart from
 * the sync round (CrmSyncRunner), whose pull, chat-history collection and
 * nightly batch would otherwise hold the push back. Woken by
 * `parley_crm_outbox` notifications; every CRM_SYNC_INTERVAL_MS it also looks
 * at every connection, for retries that came due, claims whose worker died,
 * and notifications missed while the listener was down. One push at a time
 * per connection in a process (a wake-up during a push runs it again after),
 * one process at a time per connection (the push lease); exactly once and
 * the order per contact are the outbox claims' (CrmOutboxService).
 */
@Injectable()
export class CrmPushLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CrmPushLoop');
  /** Connections being pushed now, and whether they were woken again meanwhile. */
  private readonly pushing = new Map<string, { again: boolean }>();
  /** When each connection's last push started (performance.now()), for PUSH_SPACING_MS. */
  private readonly lastPushAt = new Map<string, number>();
  private readonly idle = new Set<() => void>();
  private listener: Client | null = null;
  private connecting = false;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly connections: CrmConnectionsService,
    private readonly sync: CrmSyncService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ENGINE_ROLE === 'api' || !this.config.CRM_PUSH_ON_CHANGE) return;
    this.start();
  }

  /** Whether this process's loop pushes (else the sync round does). */
  active(): boolean {
    return !this.stopped;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.listen();
    this.timer = setInterval(() => void this.sweep(), this.config.CRM_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops listening and waking; pushes under way finish first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    while (this.pushing.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /** Whether the loop hears queued changes now (false: the timer alone moves them). */
  listening(): boolean {
    return this.listener !== null;
  }

  /** Pushes the connection now, or once more after the push under way. */
  wake(connectionId: string): void {
    if (this.stopped) return;
    const running = this.pushing.get(connectionId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.pushing.set(connectionId, state);
    void (async () => {
      try {
        for (;;) {
          const wait = (this.lastPushAt.get(connectionId) ?? -Infinity) + PUSH_SPACING_MS - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.stopped) break;
          this.lastPushAt.set(connectionId, performance.now());
          state.again = false;
          const result = await this.sync.pushDue(connectionId).catch((error: unknown) => {
            this.logger.warn(`CRM push of ${connectionId} failed: ${error instanceof Error ? error.message : String(error)}`);
            return null;
          });
          // A push that moved changes may have stopped at its claim limit: push again until one finds nothing.
          const moved = result !== null && result.pushed + result.failed > 0;
          if (this.stopped || !(state.again || moved)) break;
        }
      } finally {
        this.pushing.delete(connectionId);
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
    })();
  }

  private async sweep(): Promise<void> {
    if (!this.listener) this.listen();
    try {
      for (const connection of await this.connections.allActive()) this.wake(connection.id);
    } catch (error) {
      this.logger.warn(`CRM push sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Connects the listening client in the background; until it is up, the timer alone wakes pushes. */
  private listen(): void {
    if (this.connecting || this.stopped || Date.now() < this.retryAt) return;
    this.connecting = true;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'parley-crm-push' });
    const lost = (reason: string) => {
      if (this.listener !== client) return;
      this.logger.warn(`CRM outbox listener lost its connection (${reason}); pushing on the timer meanwhile`);
      this.listener = null;
      this.retryAt = Date.now() + RECONNECT_AFTER_MS;
      void client.end().catch(() => undefined);
    };
    client.on('notification', (message) => {
      if (message.payload) this.wake(message.payload);
    });
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('ended'));
    void (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        if (this.stopped) {
          await client.end();
          return;
        }
        this.listener = client;
        // Changes queued before the listener was up were not heard: look once.
        await this.sweep();
      } catch (error) {
        this.retryAt = Date.now() + RECONNECT_AFTER_MS;
        this.logger.warn(`Could not listen for queued CRM changes: ${error instanceof Error ? error.message : String(error)}`);
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = false;
      }
    })();
  }
}
