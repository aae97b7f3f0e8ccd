import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow } from '../../database/sql-rows';
import { NotifierService } from '../../notifications/notifier.service';
import type { ConnectionRow } from '../connections/crm-connections.service';
import { CrmHealthService, type ModeHealth } from './crm-health.service';

/** Fewer calls than this in 24 h say too little: one failure in three calls is not a health problem. */
export const HEALTH_ALERT_MIN_CALLS = 10;
/** Admins are told again at most this often while the connection stays below goal. */
export const HEALTH_ALERT_REPEAT_MS = 6 * 3_600_000;

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

/**
 * Tells the workspace's admins (in-app notification) when a CRM connection's
 * sync success rate over 24 h is below goal (real time 99 %, batch 95 %),
 * once per HEALTH_ALERT_REPEAT_MS while it stays so.
 */
@Injectable()
export class CrmHealthAlertService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: CrmHealthService,
    private readonly notifier: NotifierService,
  ) {}

  /** Returns true when admins were notified now. */
  async check(connection: ConnectionRow): Promise<boolean> {
    const health = await this.health.health(connection);
    const modes: { label: string; mode: ModeHealth }[] = [
      { label: 'Real-time', mode: health.realtime },
      { label: 'Batch', mode: health.batch },
    ];
    const below = modes.filter(({ mode }) => mode.belowGoal && mode.calls >= HEALTH_ALERT_MIN_CALLS);
    if (below.length === 0) return false;
    // The stamp is taken first, so two workers checking at once notify once.
    const claimed = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `UPDATE crm_connections SET health_notified_at = clock_timestamp()
        WHERE id = $1 AND (health_notified_at IS NULL OR health_notified_at < clock_timestamp() - make_interval(secs => $2::double precision / 1000))
        RETURNING id`,
      [connection.id, HEALTH_ALERT_REPEAT_MS],
    );
    if (!claimed) return false;
    const lines = below.map(
      ({ label, mode }) =>
        `${label} sync: ${percent(mode.successRate)} of ${mode.calls} calls succeeded in 24 h (goal ${percent(mode.goal)}).`,
    );
    if (health.lastError) lines.push(`Last error: ${health.lastError}`);
    if (health.outbox.failed > 0) lines.push(`${health.outbox.failed} changes failed for good and wait for a retry in Settings → CRM.`);
    await this.notifier.notify({
      workspaceId: connection.workspace_id,
      userId: null,
      kind: 'crm.health',
      title: `CRM sync below goal: ${connection.name}`,
      body: lines.join('\n'),
      subjectType: 'crm_connection',
      subjectId: connection.id,
    });
    return true;
  }
}
