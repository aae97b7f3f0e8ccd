import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { NotifierService } from '../notifications/notifier.service';
import { histogramSpans } from './metrics/histogram-spans';

const DAY_MS = 86_400_000;
const num = z.coerce.number();

/** What a person sets for an alert (the API's body). */
export const wordAlertInput = z.object({
  /** One word as the words report counts it (lower case, letters and digits). */
  term: z
    .string()
    .trim()
    .toLowerCase()
    .min(2)
    .max(100)
    .regex(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u, 'one word (letters and digits)'),
  direction: z.enum(['under', 'over']),
  /** A share of customer messages, 0..1 (0.08 = 8 %). */
  threshold: z.number().min(0).max(1),
  /** The trailing period the share is taken over, in days. */
  periodDays: z.number().int().min(1).max(90),
});
export type WordAlertInput = z.infer<typeof wordAlertInput>;

const alertRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  term: z.string(),
  direction: z.enum(['under', 'over']),
  threshold: num,
  period_days: num,
  breached_at: z.date().nullable(),
  last_share: num.nullable(),
  last_messages: num.nullable(),
  checked_at: z.date().nullable(),
});

export interface WordAlert extends WordAlertInput {
  id: string;
  /** Since when the share is past the threshold (one notification per breach); null: not breached. */
  breachedAt: string | null;
  /** The share and the customer messages counted at the last check; null before the first. */
  lastShare: number | null;
  lastMessages: number | null;
  checkedAt: string | null;
}

function view(row: z.infer<typeof alertRow>): WordAlert {
  return {
    id: row.id,
    term: row.term,
    direction: row.direction,
    threshold: row.threshold,
    periodDays: row.period_days,
    breachedAt: row.breached_at?.toISOString() ?? null,
    lastShare: row.last_share,
    lastMessages: row.last_messages,
    checkedAt: row.checked_at?.toISOString() ?? null,
  };
}

/** "8%" for 0.08, as the notification and the screen say it. */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/**
 * Watched-word alerts: stored per workspace, checked from the rollups (the
 * words' daily and hourly counts over the customer messages of the period,
 * never the messages), and a breach notifies the workspace's admins once.
 */
@Injectable()
export class ReportWordAlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: NotifierService,
  ) {}

  async list(workspaceId: string): Promise<WordAlert[]> {
    const rows = await sqlRows(
      this.dataSource,
      alertRow,
      'SELECT * FROM report_word_alerts WHERE workspace_id = $1 ORDER BY term, direction',
      [workspaceId],
    );
    return rows.map(view);
  }

  /** Adds an alert; null when the workspace already watches that word in that direction. */
  async create(workspaceId: string, input: WordAlertInput): Promise<WordAlert | null> {
    const rows = await sqlRows(
      this.dataSource,
      alertRow,
      `INSERT INTO report_word_alerts (workspace_id, term, direction, threshold, period_days) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, term, direction) DO NOTHING RETURNING *`,
      [workspaceId, input.term, input.direction, input.threshold, input.periodDays],
    );
    return rows[0] ? view(rows[0]) : null;
  }

  /** Changes an alert (its breach starts over: the next check decides again); undefined: no such alert; null: a duplicate. */
  async update(workspaceId: string, id: string, input: WordAlertInput): Promise<WordAlert | null | undefined> {
    const duplicate = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      'SELECT id FROM report_word_alerts WHERE workspace_id = $1 AND term = $2 AND direction = $3 AND id <> $4',
      [workspaceId, input.term, input.direction, id],
    );
    if (duplicate.length > 0) return null;
    const rows = await sqlRows(
      this.dataSource,
      alertRow,
      `UPDATE report_word_alerts SET term = $3, direction = $4, threshold = $5, period_days = $6, breached_at = NULL,
              last_share = NULL, last_messages = NULL, checked_at = NULL, updated_at = now()
        WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      [workspaceId, id, input.term, input.direction, input.threshold, input.periodDays],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  async remove(workspaceId: string, id: string): Promise<WordAlert | null> {
    const rows = await sqlRows(
      this.dataSource,
      alertRow,
      'DELETE FROM report_word_alerts WHERE workspace_id = $1 AND id = $2 RETURNING *',
      [workspaceId, id],
    );
    return rows[0] ? view(rows[0]) : null;
  }

  /**
   * Checks every alert against the period ending `now`: the word's share of
   * customer messages. A breach (under: share below the threshold; over:
   * above) notifies once, when it begins; a period without customer messages
   * breaches nothing (there is no share to judge). Returns how many alerts began
   * a breach.
   */
  async evaluate(now: Date): Promise<number> {
    const alerts = await sqlRows(this.dataSource, alertRow, 'SELECT * FROM report_word_alerts ORDER BY workspace_id, term');
    let began = 0;
    for (const alert of alerts) {
      const from = new Date(now.getTime() - alert.period_days * DAY_MS);
      const { count, messages } = await this.share(alert.workspace_id, alert.term, from, now);
      const share = messages > 0 ? count / messages : 0;
      const breached = messages > 0 && (alert.direction === 'under' ? share < alert.threshold : share > alert.threshold);
      // The alert is locked while its state changes, so two processes checking at once notify once.
      const beganNow = await this.dataSource.transaction(async (manager) => {
        const before = await sqlRows(
          manager,
          z.object({ breached_at: z.date().nullable() }),
          'SELECT breached_at FROM report_word_alerts WHERE id = $1 FOR UPDATE',
          [alert.id],
        );
        if (!before[0]) return false;
        await manager.query(
          `UPDATE report_word_alerts SET last_share = $2, last_messages = $3, checked_at = $4,
                  breached_at = CASE WHEN $5::boolean THEN coalesce(breached_at, $4) END
            WHERE id = $1`,
          [alert.id, share, messages, now, breached],
        );
        return breached && before[0].breached_at === null;
      });
      if (!beganNow) continue;
      began += 1;
      await this.notifier.notify({
        workspaceId: alert.workspace_id,
        userId: null,
        kind: 'report.word_alert',
        title: `"${alert.term}" is ${alert.direction} ${percent(alert.threshold)} of customer messages`,
        body: `Over the last ${alert.period_days} day${alert.period_days === 1 ? '' : 's'}: ${percent(share)} (${count} of ${messages} customer messages).`,
        subjectType: 'report_word_alert',
        subjectId: alert.id,
      });
    }
    return began;
  }

  /** Customer messages with the word, and all customer messages, in [from, to): whole UTC days from the daily rows. */
  private async share(workspaceId: string, term: string, from: Date, to: Date): Promise<{ count: number; messages: number }> {
    const span = histogramSpans(from, to);
    const params = [workspaceId, span.days[0], span.days[1], span.head[0], span.head[1], span.tail[0], span.tail[1], term];
    const rows = await sqlRows(
      this.dataSource,
      z.object({ count: num, messages: num }),
      `SELECT (SELECT coalesce(sum(count), 0) FROM (
                 SELECT count FROM report_word_days WHERE workspace_id = $1 AND day >= $2 AND day < $3 AND kind = 'word' AND term = $8
                 UNION ALL
                 SELECT count FROM report_word_hours
                  WHERE workspace_id = $1 AND ((hour >= $4 AND hour < $5) OR (hour >= $6 AND hour < $7)) AND kind = 'word' AND term = $8
               ) w) AS count,
              (SELECT coalesce(sum(inbound), 0) FROM report_traffic_hours
                WHERE workspace_id = $1 AND hour >= $4 AND hour < $7) AS messages`,
      params,
    );
    return rows[0] ?? { count: 0, messages: 0 };
  }
}
