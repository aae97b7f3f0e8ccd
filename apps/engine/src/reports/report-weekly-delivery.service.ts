import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { guardedHttpRequest } from '../http/guarded-http-client';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';

/** Delays before the 2nd, 3rd... attempt; after the last one the delivery is failed. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
const TIMEOUT_MS = 10_000;

export interface WeeklyDelivery {
  id: string;
  weeklyId: string;
  weekStart: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const deliveryRow = z.object({
  id: z.string(),
  weekly_id: z.string(),
  week_start: z.string(),
  url: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  next_attempt_at: z.date(),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.date().nullable(),
  created_at: z.date(),
});

/** The key a workspace's weekly report webhooks are signed with (derived, never stored): shown to its admins. */
export function weeklySigningKey(workspaceId: string, secretsKey: Buffer): string {
  return createHmac('sha256', secretsKey).update(`weekly-report-webhook:${workspaceId}`).digest('base64url');
}

/** `X-Parley-Signature`: sha256=<hex HMAC-SHA256 of the raw body with the signing key>. */
export function weeklySignature(body: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/**
 * Sends the weekly reports to the workspace's webhook: queued when a report is
 * made (one row per report), POSTed as JSON with an HMAC signature through the
 * same SSRF-guarded client as flows' HTTP steps (public addresses, or the
 * workspace's allow-list), retried with growing delays, recorded either way.
 */
@Injectable()
export class ReportWeeklyDeliveryService {
  private readonly logger = new Logger('ReportWeeklyDelivery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  signingKey(workspaceId: string): string {
    return weeklySigningKey(workspaceId, this.config.SECRETS_KEY);
  }

  async queue(workspaceId: string, weeklyId: string, url: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO report_weekly_deliveries (workspace_id, weekly_id, url, next_attempt_at) VALUES ($1, $2, $3, $4)',
      [workspaceId, weeklyId, url, this.clock.now()],
    );
  }

  /** Attempts the deliveries that are due (each claimed in its own transaction, so two workers never send one twice). */
  async deliverDue(limit = 20): Promise<number> {
    let attempted = 0;
    for (; attempted < limit; attempted += 1) {
      const done = await this.dataSource.transaction(async (manager) => {
        const due = await sqlRow(
          manager,
          z.object({ id: z.string(), workspace_id: z.string(), weekly_id: z.string(), url: z.string(), attempts: z.number() }),
          `SELECT id, workspace_id, weekly_id, url, attempts FROM report_weekly_deliveries
            WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [this.clock.now()],
        );
        if (!due) return false;
        const report = await sqlRow(
          manager,
          z.object({ week_start: z.string(), period_from: z.date(), period_to: z.date(), content: z.unknown() }),
          `SELECT to_char(week_start, 'YYYY-MM-DD') AS week_start, period_from, period_to, content FROM report_weekly WHERE id = $1`,
          [due.weekly_id],
        );
        const body = JSON.stringify({
          event: 'report.weekly',
          deliveryId: due.id,
          weeklyId: due.weekly_id,
          weekStart: report?.week_start ?? null,
          from: report?.period_from.toISOString() ?? null,
          to: report?.period_to.toISOString() ?? null,
          content: report?.content ?? null,
        });
        const { settings } = await this.settings.get(due.workspace_id);
        let status: number | null = null;
        let error: string | null = null;
        try {
          const result = await guardedHttpRequest(
            {
              method: 'POST',
              url: due.url,
              headers: {
                'content-type': 'application/json',
                'user-agent': 'Parley weekly report',
                'x-parley-delivery': due.id,
                'x-parley-signature': weeklySignature(body, this.signingKey(due.workspace_id)),
              },
              body,
              timeoutMs: TIMEOUT_MS,
            },
            settings.httpAllowList,
          );
          if (!result.ok) error = `${result.errorCode}: ${result.errorMessage}`;
          else {
            status = result.status;
            if (result.status < 200 || result.status > 299) error = `answered ${result.status}`;
          }
        } catch (cause) {
          error = cause instanceof Error ? cause.message : String(cause);
        }
        const attempts = due.attempts + 1;
        const now = this.clock.now();
        if (error === null) {
          await manager.query(
            `UPDATE report_weekly_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = NULL, delivered_at = $4 WHERE id = $1`,
            [due.id, attempts, status, now],
          );
        } else {
          const delay = RETRY_DELAYS_MS[attempts - 1];
          await manager.query(
            `UPDATE report_weekly_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = $6 WHERE id = $1`,
            [
              due.id,
              delay === undefined ? 'failed' : 'pending',
              attempts,
              status,
              error.slice(0, 500),
              new Date(now.getTime() + (delay ?? 0)),
            ],
          );
          this.logger.warn(
            { event: 'report.weekly.delivery_failed', deliveryId: due.id, attempts, error },
            'Weekly report delivery failed',
          );
        }
        return true;
      });
      if (!done) break;
    }
    return attempted;
  }

  async list(workspaceId: string): Promise<WeeklyDelivery[]> {
    const rows = await sqlRows(
      this.dataSource,
      deliveryRow,
      `SELECT d.id, d.weekly_id, to_char(w.week_start, 'YYYY-MM-DD') AS week_start, d.url, d.status, d.attempts, d.next_attempt_at,
              d.last_status, d.last_error, d.delivered_at, d.created_at
         FROM report_weekly_deliveries d JOIN report_weekly w ON w.id = d.weekly_id
        WHERE d.workspace_id = $1 ORDER BY d.created_at DESC LIMIT 50`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.id,
      weeklyId: r.weekly_id,
      weekStart: r.week_start,
      url: r.url,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
      lastStatus: r.last_status,
      lastError: r.last_error,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
