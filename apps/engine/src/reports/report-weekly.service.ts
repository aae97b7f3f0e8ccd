import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { NotifierService } from '../notifications/notifier.service';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { dueReportWeek, type ReportWeek } from './metrics/weekly-schedule';
import { previousPeriod, ReportQueriesService, type ReportQuery } from './report-queries.service';
import { ReportWeeklyDeliveryService } from './report-weekly-delivery.service';

export interface WeeklySummary {
  id: string;
  weekStart: string;
  from: string;
  to: string;
  createdAt: string;
}

const summaryRow = z.object({ id: z.string(), week_start: z.string(), period_from: z.date(), period_to: z.date(), created_at: z.date() });

function summary(row: z.infer<typeof summaryRow>): WeeklySummary {
  return {
    id: row.id,
    weekStart: row.week_start,
    from: row.period_from.toISOString(),
    to: row.period_to.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * The weekly reports: on the workspace's day and hour (settings
 * `reports.weekly`, in its time zone), the service, funnel, messaging, cost
 * and traffic reports of the week that ended are kept as a snapshot (they do
 * not change as later data arrives) and the admins are notified.
 */
@Injectable()
export class ReportWeeklyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly queries: ReportQueriesService,
    private readonly notifier: NotifierService,
    private readonly clock: Clock,
    private readonly deliveries: ReportWeeklyDeliveryService,
  ) {}

  /** Makes the weekly reports that are due and missing; returns how many it made. */
  async makeDue(): Promise<number> {
    const now = this.clock.now();
    const workspaces = await sqlRows(
      this.dataSource,
      z.object({ id: z.string(), created_at: z.date() }),
      'SELECT id, created_at FROM workspaces',
    );
    let made = 0;
    for (const { id, created_at: createdAt } of workspaces) {
      const { settings } = await this.settings.get(id);
      if (!settings.reports.weekly.enabled) continue;
      const week = dueReportWeek(now, settings.timeZone, settings.reports.weekly);
      // A week that ended before the workspace existed has nothing to report: no empty snapshot, no notification.
      if (!week || week.to <= createdAt) continue;
      if (await this.makeFor(id, week)) made += 1;
    }
    return made;
  }

  /** Makes the weekly report of one week unless it exists, and notifies the admins; returns its id when made. */
  async makeFor(workspaceId: string, week: ReportWeek): Promise<string | null> {
    const exists = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'SELECT id FROM report_weekly WHERE workspace_id = $1 AND week_start = $2',
      [workspaceId, week.weekStart],
    );
    if (exists) return null;
    const content = await this.snapshot({
      workspaceId,
      from: week.from,
      to: week.to,
      numberId: null,
      flowId: null,
      agentId: null,
      tag: null,
    });
    const inserted = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `INSERT INTO report_weekly (workspace_id, week_start, period_from, period_to, content) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, week_start) DO NOTHING RETURNING id`,
      [workspaceId, week.weekStart, week.from, week.to, JSON.stringify(content)],
    );
    if (!inserted) return null;
    const { settings } = await this.settings.get(workspaceId);
    if (settings.reports.weekly.webhookUrl) await this.deliveries.queue(workspaceId, inserted.id, settings.reports.weekly.webhookUrl);
    const reply = content.service.current.summary.reply.median;
    const conversions = content.funnel.current.stages.find((s) => s.stage === 'converted')?.count ?? 0;
    await this.notifier.notify({
      workspaceId,
      userId: null,
      kind: 'report.weekly',
      title: `Weekly report: week of ${week.weekStart}`,
      body: `Median reply ${reply === null ? '—' : `${Math.round(reply / 60)} min`}, ${conversions} conversions, cost ${content.cost.current.total.toFixed(2)} ${content.cost.current.currency ?? ''}`.trim(),
      subjectType: 'report_weekly',
      subjectId: inserted.id,
    });
    return inserted.id;
  }

  /** Every report of a period, with the period before: what a weekly snapshot holds. */
  async snapshot(q: ReportQuery) {
    const previous = previousPeriod(q);
    const both = async <T>(run: (query: ReportQuery) => Promise<T>) => ({
      range: { from: q.from.toISOString(), to: q.to.toISOString() },
      previousRange: { from: previous.from.toISOString(), to: previous.to.toISOString() },
      current: await run(q),
      previous: await run(previous),
    });
    return {
      service: await both((x) => this.queries.service(x)),
      funnel: await both((x) => this.queries.funnel(x)),
      messaging: await both((x) => this.queries.messaging(x, 'flow')),
      cost: await both((x) => this.queries.cost(x)),
      traffic: await both((x) => this.queries.traffic(x)),
    };
  }

  async list(workspaceId: string): Promise<WeeklySummary[]> {
    const rows = await sqlRows(
      this.dataSource,
      summaryRow,
      `SELECT id, to_char(week_start, 'YYYY-MM-DD') AS week_start, period_from, period_to, created_at FROM report_weekly
        WHERE workspace_id = $1 ORDER BY week_start DESC LIMIT 104`,
      [workspaceId],
    );
    return rows.map(summary);
  }

  async get(workspaceId: string, id: string): Promise<(WeeklySummary & { content: unknown }) | null> {
    const row = await sqlRow(
      this.dataSource,
      summaryRow.extend({ content: z.unknown() }),
      `SELECT id, to_char(week_start, 'YYYY-MM-DD') AS week_start, period_from, period_to, created_at, content FROM report_weekly
        WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id],
    );
    return row ? { ...summary(row), content: row.content } : null;
  }
}
