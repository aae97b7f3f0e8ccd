import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { NotifierService } from '../notifications/notifier.service';
import { type CloudApiCall, type CloudApiStreak, nextStreak } from './cloud-api-streak';

const SERVICE = 'whatsapp_cloud_api';

const stateRow = z.object({
  status: z.enum(['ok', 'degraded']),
  since: z.date(),
  reason: z.string().nullable(),
  last_latency_ms: z.number().nullable(),
});
export type CloudApiState = z.infer<typeof stateRow>;

/**
 * Watches the latency and failures of calls to the WhatsApp Cloud API
 * (Meta's, not the simulator's). Each process keeps its own streak in
 * memory; the state itself is a `service_health` row shared by all
 * processes, changed with a conditional write so exactly one process makes
 * each change and notifies the admins. Degraded is information for people
 * (the sends go on, the outcomes are reconciled), never a readiness failure.
 */
@Injectable()
export class CloudApiHealthService {
  private readonly logger = new Logger('CloudApiHealth');
  private streak: CloudApiStreak = { bad: 0, good: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: NotifierService,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** Records one call; never throws (the health check must not break a send). */
  async record(call: CloudApiCall): Promise<void> {
    const step = nextStreak(this.streak, call, { slowMs: this.config.CLOUD_API_SLOW_MS, after: this.config.CLOUD_API_DEGRADED_AFTER });
    this.streak = step.streak;
    if (step.transition === null) return;
    try {
      if (step.transition === 'degrade') await this.degrade(call);
      else await this.recover(call);
    } catch (error) {
      this.logger.warn(`Could not record the Cloud API health change: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The shared state, or null while no change was ever recorded (healthy). */
  async state(): Promise<CloudApiState | null> {
    return (
      (await sqlRow(this.dataSource, stateRow, 'SELECT status, since, reason, last_latency_ms FROM service_health WHERE name = $1', [
        SERVICE,
      ])) ?? null
    );
  }

  private async degrade(call: CloudApiCall): Promise<void> {
    const now = this.clock.now();
    const after = this.config.CLOUD_API_DEGRADED_AFTER;
    const reason = `${after} calls in a row were slower than ${this.config.CLOUD_API_SLOW_MS} ms or failed (last: ${
      call.failed ? 'failed' : `${Math.round(call.latencyMs)} ms`
    })`;
    const changed = await sqlRow(
      this.dataSource,
      z.object({ name: z.string() }),
      `INSERT INTO service_health (name, status, since, reason, last_latency_ms, updated_at) VALUES ($1, 'degraded', $2, $3, $4, $2)
       ON CONFLICT (name) DO UPDATE SET status = 'degraded', since = EXCLUDED.since, reason = EXCLUDED.reason,
         last_latency_ms = EXCLUDED.last_latency_ms, updated_at = EXCLUDED.updated_at
       WHERE service_health.status <> 'degraded' RETURNING name`,
      [SERVICE, now, reason, Math.round(call.latencyMs)],
    );
    if (!changed) return;
    this.logger.warn({ event: 'cloud_api.degraded', reason }, 'WhatsApp Cloud API degraded');
    await this.notifyAll(
      'cloud_api_degraded',
      'WhatsApp Cloud API is slow or failing',
      `${reason}. Messages are still sent; sends whose outcome is unknown are settled by Meta's status webhooks. See /health/ready and the Parley dashboard.`,
    );
  }

  private async recover(call: CloudApiCall): Promise<void> {
    const now = this.clock.now();
    const changed = await sqlRow(
      this.dataSource,
      z.object({ name: z.string() }),
      `UPDATE service_health SET status = 'ok', since = $2, reason = NULL, last_latency_ms = $3, updated_at = $2
        WHERE name = $1 AND status = 'degraded' RETURNING name`,
      [SERVICE, now, Math.round(call.latencyMs)],
    );
    if (!changed) return;
    this.logger.log({ event: 'cloud_api.recovered' }, 'WhatsApp Cloud API healthy again');
    await this.notifyAll(
      'cloud_api_recovered',
      'WhatsApp Cloud API is healthy again',
      `${this.config.CLOUD_API_DEGRADED_AFTER} calls in a row answered within ${this.config.CLOUD_API_SLOW_MS} ms.`,
    );
  }

  /** Every workspace that sends through a WhatsApp number hears about it. */
  private async notifyAll(kind: string, title: string, body: string): Promise<void> {
    const workspaces = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      'SELECT DISTINCT workspace_id AS id FROM whatsapp_numbers',
    );
    for (const workspace of workspaces) {
      await this.notifier.notify({ workspaceId: workspace.id, userId: null, kind, title, body });
    }
  }
}
