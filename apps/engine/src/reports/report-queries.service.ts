import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { costLines, type CostLine, PRICING_CATEGORIES, type Price } from './metrics/cost';
import { type HistogramBucket, histogramCount, histogramPercentile } from './metrics/duration-histogram';
import { histogramSpans } from './metrics/histogram-spans';
import { localDays } from './metrics/local-days';
import { type MessageCounts, messageCounts, rate } from './metrics/message-counts';
import { termTrends, type TermTrend } from './metrics/words';

/** The period a report covers, with its filters. Reports read rollups only (never messages). */
export interface ReportQuery {
  workspaceId: string;
  from: Date;
  to: Date;
  numberId: string | null;
  flowId: string | null;
  agentId: string | null;
  /** A contact tag (see report_tag_hours); null: every contact. */
  tag: string | null;
}

/** The period just before, of the same length: every report compares with it. */
export function previousPeriod(query: ReportQuery): ReportQuery {
  const length = query.to.getTime() - query.from.getTime();
  return { ...query, from: new Date(query.from.getTime() - length), to: query.from };
}

/** report_hours' dimensions after its time column (report_days repeats them). */
const DIMENSIONS = 'metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';

const num = z.coerce.number();
/** A UTC day in milliseconds (the daily levels' grain). */
const DAY_MS = 86_400_000;

export interface Duration {
  count: number;
  median: number | null;
  p90: number | null;
  businessMedian: number | null;
  businessP90: number | null;
}

export interface ServiceSummary {
  opened: number;
  firstResponse: Duration;
  reply: Duration;
  resolution: Duration;
}

export interface AgentRow {
  userId: string;
  name: string;
  conversations: number;
  replies: number;
  firstResponseMedian: number | null;
  replyMedian: number | null;
  replyP90: number | null;
  businessReplyMedian: number | null;
  resolutions: number;
  resolutionMedian: number | null;
  flagged: boolean;
}

export interface MessagingRow extends MessageCounts {
  key: string;
  label: string;
  replied: number;
  replyRate: number | null;
  converted: number;
}

export interface FunnelStage {
  stage: string;
  label: string;
  count: number;
  /** Share of the previous stage that did not reach this one; null for the first. */
  dropOff: number | null;
}

/** One local day's sending figures (docs/REPORTS.md "Per day"). */
export interface DayFigures {
  day: string;
  sent: number;
  delivered: number;
  read: number;
  converted: number;
  /** read ÷ delivered; null without deliveries. */
  readRate: number | null;
  /** converted ÷ sent; null without sends. */
  conversionRate: number | null;
}

export interface DiscountConversion {
  /** Customer messages with the discount intent in the range. */
  requests: number;
  /** Distinct customers who sent them. */
  customers: number;
  /** Of those customers, how many ordered within the conversion window after one of their requests. */
  converted: number;
  /** converted / customers; null without requests. */
  rate: number | null;
  windowDays: number;
}

@Injectable()
export class ReportQueriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  /**
   * The rollup rows of the range and filters, as a FROM item (alias r) and its
   * parameters ($1 workspace, $4 number, $5 flow, $6 tag; callers add from $13).
   * The whole UTC days of the range from report_days (the rows for everyone,
   * tag '', or the tag's) and its ragged ends from the hourly rows
   * (metrics/histogram-spans.ts), so a 90-day range reads ~90 daily rows per
   * key instead of 2,160 hourly ones. With a tag the hourly rows are
   * report_tag_hours (the same metrics without template, category, country
   * and error code, which are '' in the tag's daily rows).
   */
  private rollupRows(q: ReportQuery): { from: string; params: unknown[] } {
    const filters = 'AND ($4::uuid IS NULL OR number_id = $4) AND ($5::uuid IS NULL OR flow_id = $5)';
    const span = histogramSpans(q.from, q.to);
    const ends = 'workspace_id = $1 AND ((hour >= $7 AND hour < $8) OR (hour >= $9 AND hour < $10))';
    const hours =
      q.tag === null
        ? `SELECT ${DIMENSIONS}, count, seconds FROM report_hours WHERE ${ends} ${filters}`
        : `SELECT metric, number_id, flow_id, flow_version_id, node_id, '', '', '', status, '', count, seconds FROM report_tag_hours
            WHERE ${ends} ${filters} AND tag = $6`;
    return {
      from: `(SELECT ${DIMENSIONS}, count, seconds FROM report_days
               WHERE workspace_id = $1 AND tag = coalesce($6::text, '') AND day >= $2 AND day < $3 ${filters}
              UNION ALL
              ${hours}) r`,
      params: [
        q.workspaceId,
        span.days[0],
        span.days[1],
        q.numberId,
        q.flowId,
        q.tag,
        span.head[0],
        span.head[1],
        span.tail[0],
        span.tail[1],
      ],
    };
  }

  /**
   * The service report from the duration histograms (report_service_hist),
   * for everyone (tag '') or one tag: whole UTC days of the range from the
   * daily rows, its ragged ends from the hourly ones. Medians and p90 are the
   * histogram's (metrics/duration-histogram.ts).
   */
  async service(q: ReportQuery): Promise<{ summary: ServiceSummary; agents: AgentRow[]; thresholdMinutes: number }> {
    const { settings } = await this.settings.get(q.workspaceId);
    const span = histogramSpans(q.from, q.to);
    const rows = await sqlRows(
      this.dataSource,
      z.object({ kind: z.string(), user_id: z.string().nullable(), basis: z.string(), bucket: num, count: num, total: num }),
      `SELECT kind, user_id, basis, bucket, sum(count) AS count, sum(total) AS total
         FROM report_service_hist
        WHERE workspace_id = $1
          AND ((grain = 'd' AND start >= $2 AND start < $3) OR (grain = 'h' AND ((start >= $4 AND start < $5) OR (start >= $6 AND start < $7))))
          AND ($8::uuid IS NULL OR number_id = $8) AND ($9::uuid IS NULL OR user_id = $9 OR kind = 'opened') AND tag = $10
        GROUP BY kind, user_id, basis, bucket`,
      [
        q.workspaceId,
        span.days[0],
        span.days[1],
        span.head[0],
        span.head[1],
        span.tail[0],
        span.tail[1],
        q.numberId,
        q.agentId,
        q.tag ?? '',
      ],
    );
    const pick = (kind: string, basis: string, userId?: string): HistogramBucket[] =>
      rows.filter((r) => r.kind === kind && r.basis === basis && (userId === undefined || r.user_id === userId));
    const duration = (kind: string): Duration => {
      const calendar = pick(kind, 'c');
      const business = pick(kind, 'b');
      return {
        count: histogramCount(calendar),
        median: histogramPercentile(calendar, 0.5),
        p90: histogramPercentile(calendar, 0.9),
        businessMedian: histogramPercentile(business, 0.5),
        businessP90: histogramPercentile(business, 0.9),
      };
    };
    const agentIds = [...new Set(rows.flatMap((r) => (r.kind !== 'opened' && r.user_id !== null ? [r.user_id] : [])))];
    const names = await sqlRows(
      this.dataSource,
      z.object({ id: z.string(), name: z.string() }),
      `SELECT id, coalesce(nullif(display_name, ''), email) AS name FROM users WHERE id = ANY($1::uuid[])`,
      [agentIds],
    );
    const threshold = settings.reports.responseThresholdMinutes;
    const agents = names
      .map((u): AgentRow => {
        const replies = pick('reply', 'c', u.id);
        const resolutions = pick('resolution', 'c', u.id);
        const replyMedian = histogramPercentile(replies, 0.5);
        return {
          userId: u.id,
          name: u.name,
          conversations: histogramCount(pick('reply', 'h', u.id)),
          replies: histogramCount(replies),
          firstResponseMedian: histogramPercentile(pick('first_response', 'c', u.id), 0.5),
          replyMedian,
          replyP90: histogramPercentile(replies, 0.9),
          businessReplyMedian: histogramPercentile(pick('reply', 'b', u.id), 0.5),
          resolutions: histogramCount(resolutions),
          resolutionMedian: histogramPercentile(resolutions, 0.5),
          flagged: replyMedian !== null && replyMedian > threshold * 60,
        };
      })
      .sort((a, b) => b.replies - a.replies || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      thresholdMinutes: threshold,
      summary: {
        opened: histogramCount(pick('opened', 'c')),
        firstResponse: duration('first_response'),
        reply: duration('reply'),
        resolution: duration('resolution'),
      },
      agents,
    };
  }

  async traffic(q: ReportQuery): Promise<{
    timeZone: string;
    cells: { weekday: number; hour: number; inbound: number; outbound: number }[];
    days: { day: string; inbound: number; outbound: number; opened: number }[];
    totals: { inbound: number; outbound: number; opened: number };
  }> {
    const { settings } = await this.settings.get(q.workspaceId);
    const zone = settings.timeZone;
    // One pass over the hourly messages per number and flow (report_traffic_hours), grouped by local day, weekday and hour.
    const source =
      q.tag === null
        ? `(SELECT hour, inbound, outbound FROM report_traffic_hours
             WHERE workspace_id = $1 AND hour >= $2 AND hour < $3 AND ($4::uuid IS NULL OR number_id = $4) AND ($5::uuid IS NULL OR flow_id = $5)
               AND $6::text IS NULL) r`
        : `(SELECT hour, CASE WHEN metric = 'in' THEN count ELSE 0 END AS inbound, CASE WHEN metric = 'out' THEN count ELSE 0 END AS outbound
              FROM report_tag_hours
             WHERE workspace_id = $1 AND hour >= $2 AND hour < $3 AND metric IN ('in', 'out') AND ($4::uuid IS NULL OR number_id = $4)
               AND ($5::uuid IS NULL OR flow_id = $5) AND tag = $6) r`;
    const localHours = await sqlRows(
      this.dataSource,
      z.object({ day: z.string(), weekday: num, hour: num, inbound: num, outbound: num }),
      `SELECT to_char(hour AT TIME ZONE $7, 'YYYY-MM-DD') AS day, extract(dow FROM hour AT TIME ZONE $7)::int AS weekday,
              extract(hour FROM hour AT TIME ZONE $7)::int AS hour, sum(inbound) AS inbound, sum(outbound) AS outbound
         FROM ${source}
        GROUP BY 1, 2, 3`,
      [q.workspaceId, q.from, q.to, q.numberId, q.flowId, q.tag, zone],
    );
    const cellMap = new Map<number, { weekday: number; hour: number; inbound: number; outbound: number }>();
    const dayMap = new Map<string, { day: string; inbound: number; outbound: number }>();
    for (const r of localHours) {
      const cell = cellMap.get(r.weekday * 24 + r.hour) ?? { weekday: r.weekday, hour: r.hour, inbound: 0, outbound: 0 };
      cell.inbound += r.inbound;
      cell.outbound += r.outbound;
      cellMap.set(r.weekday * 24 + r.hour, cell);
      const day = dayMap.get(r.day) ?? { day: r.day, inbound: 0, outbound: 0 };
      day.inbound += r.inbound;
      day.outbound += r.outbound;
      dayMap.set(r.day, day);
    }
    const cells = [...cellMap.entries()].sort(([a], [b]) => a - b).map(([, cell]) => cell);
    const days = [...dayMap.values()];
    // Conversations opened come from the hourly histogram rows (per tag with a tag, '' for everyone), never from the events.
    const opened = await sqlRows(
      this.dataSource,
      z.object({ day: z.string(), opened: num }),
      `SELECT to_char(start AT TIME ZONE $5, 'YYYY-MM-DD') AS day, sum(count) AS opened
         FROM report_service_hist
        WHERE workspace_id = $1 AND tag = $6 AND grain = 'h' AND kind = 'opened' AND start >= $2 AND start < $3
          AND ($4::uuid IS NULL OR number_id = $4)
        GROUP BY 1`,
      [q.workspaceId, q.from, q.to, q.numberId, zone, q.tag ?? ''],
    );
    const openedByDay = new Map(opened.map((o) => [o.day, o.opened]));
    // Every local day of the range, those without messages too: the per-day line charts draw each day, and compare day i
    // of the range with day i of the previous period.
    const allDays = [...new Set([...localDays(q.from, q.to, zone), ...days.map((d) => d.day), ...opened.map((o) => o.day)])].sort();
    const dayRows = allDays.map((day) => {
      const d = days.find((x) => x.day === day);
      return { day, inbound: d?.inbound ?? 0, outbound: d?.outbound ?? 0, opened: openedByDay.get(day) ?? 0 };
    });
    return {
      timeZone: zone,
      cells,
      days: dayRows,
      totals: {
        inbound: dayRows.reduce((s, d) => s + d.inbound, 0),
        outbound: dayRows.reduce((s, d) => s + d.outbound, 0),
        opened: dayRows.reduce((s, d) => s + d.opened, 0),
      },
    };
  }

  /**
   * Per local day of the range (the workspace's zone, as traffic): messages
   * sent, delivered, read, and conversions, with the read rate (read ÷
   * delivered) and the conversion rate (conversions ÷ sent). Read from
   * report_traffic_hours (a few rows an hour), with a tag from report_tag_hours.
   */
  async daily(q: ReportQuery): Promise<{ timeZone: string; days: DayFigures[] }> {
    const { settings } = await this.settings.get(q.workspaceId);
    const zone = settings.timeZone;
    const source =
      q.tag === null
        ? `(SELECT hour, sent, delivered, read, converted FROM report_traffic_hours
             WHERE workspace_id = $1 AND hour >= $2 AND hour < $3 AND ($4::uuid IS NULL OR number_id = $4) AND ($5::uuid IS NULL OR flow_id = $5)
               AND $6::text IS NULL) r`
        : `(SELECT hour, CASE WHEN metric = 'out' AND status <> 'failed' THEN count ELSE 0 END AS sent,
                   CASE WHEN metric = 'out' AND status IN ('delivered', 'read') THEN count ELSE 0 END AS delivered,
                   CASE WHEN metric = 'out' AND status = 'read' THEN count ELSE 0 END AS read,
                   CASE WHEN metric = 'conversion' THEN count ELSE 0 END AS converted
              FROM report_tag_hours
             WHERE workspace_id = $1 AND hour >= $2 AND hour < $3 AND metric IN ('out', 'conversion') AND ($4::uuid IS NULL OR number_id = $4)
               AND ($5::uuid IS NULL OR flow_id = $5) AND tag = $6) r`;
    const rows = await sqlRows(
      this.dataSource,
      z.object({ day: z.string(), sent: num, delivered: num, read: num, converted: num }),
      `SELECT to_char(hour AT TIME ZONE $7, 'YYYY-MM-DD') AS day, sum(sent) AS sent, sum(delivered) AS delivered, sum(read) AS read,
              sum(converted) AS converted
         FROM ${source}
        GROUP BY 1`,
      [q.workspaceId, q.from, q.to, q.numberId, q.flowId, q.tag, zone],
    );
    const byDay = new Map(rows.map((r) => [r.day, r]));
    // Every local day of the range, those without messages too (day i of the range is drawn against day i of the previous).
    const allDays = [...new Set([...localDays(q.from, q.to, zone), ...byDay.keys()])].sort();
    return {
      timeZone: zone,
      days: allDays.map((day) => {
        const r = byDay.get(day) ?? { sent: 0, delivered: 0, read: 0, converted: 0 };
        return {
          day,
          sent: r.sent,
          delivered: r.delivered,
          read: r.read,
          converted: r.converted,
          readRate: rate(r.read, r.delivered),
          conversionRate: rate(r.converted, r.sent),
        };
      }),
    };
  }

  async words(
    q: ReportQuery,
    limit: number,
    watch: { term: string; below: number } | null,
  ): Promise<{
    messages: number;
    words: TermTrend[];
    intents: TermTrend[];
    watch: { term: string; share: number; below: number; alert: boolean } | null;
  }> {
    const counts = async (period: ReportQuery) => {
      // Whole UTC days from the daily level, the ragged ends hour by hour (a 90-day range: 90 rows per term, not 2,160).
      const span = histogramSpans(period.from, period.to);
      const terms = await sqlRows(
        this.dataSource,
        z.object({ kind: z.string(), term: z.string(), count: num }),
        `SELECT kind, term, sum(count) AS count FROM (
           SELECT kind, term, count FROM report_word_days
            WHERE workspace_id = $1 AND day >= $2 AND day < $3 AND ($4::uuid IS NULL OR number_id = $4)
           UNION ALL
           SELECT kind, term, count FROM report_word_hours
            WHERE workspace_id = $1 AND ((hour >= $5 AND hour < $6) OR (hour >= $7 AND hour < $8)) AND ($4::uuid IS NULL OR number_id = $4)
         ) w GROUP BY kind, term`,
        [period.workspaceId, span.days[0], span.days[1], period.numberId, span.head[0], span.head[1], span.tail[0], span.tail[1]],
      );
      const inbound = await sqlRows(
        this.dataSource,
        z.object({ count: num }),
        `SELECT coalesce(sum(inbound), 0) AS count FROM report_traffic_hours
          WHERE workspace_id = $1 AND hour >= $2 AND hour < $3 AND ($4::uuid IS NULL OR number_id = $4)`,
        [period.workspaceId, period.from, period.to, period.numberId],
      );
      return { terms, messages: inbound[0]?.count ?? 0 };
    };
    const now = await counts(q);
    const before = await counts(previousPeriod(q));
    const pick = (rows: { kind: string; term: string; count: number }[], kind: string) =>
      rows.filter((r) => r.kind === kind).map((r) => ({ term: r.term, count: r.count }));
    const watched = watch ? (now.terms.find((t) => t.kind === 'word' && t.term === watch.term.toLowerCase())?.count ?? 0) : 0;
    const share = now.messages > 0 ? watched / now.messages : 0;
    return {
      messages: now.messages,
      words: termTrends(pick(now.terms, 'word'), pick(before.terms, 'word'), now.messages, limit),
      intents: termTrends(pick(now.terms, 'intent'), pick(before.terms, 'intent'), now.messages, limit),
      watch: watch ? { term: watch.term.toLowerCase(), share, below: watch.below, alert: share < watch.below } : null,
    };
  }

  async messaging(
    q: ReportQuery,
    by: 'flow' | 'step' | 'template' | 'number' | 'category' | 'country' | 'error',
  ): Promise<{ totals: MessagingRow; rows: MessagingRow[]; optOuts: number }> {
    const f = this.rollupRows(q);
    const key: Record<typeof by, string> = {
      flow: "coalesce(flow_id::text, '')",
      step: "coalesce(flow_id::text, '') || ':' || node_id",
      template: 'template',
      number: "coalesce(number_id::text, '')",
      category: 'category',
      country: 'country',
      error: 'error_code',
    };
    const rows = await sqlRows(
      this.dataSource,
      z.object({ key: z.string(), metric: z.string(), status: z.string(), count: num, seconds: num }),
      `SELECT ${key[by]} AS key, metric, status, sum(count) AS count, sum(seconds) AS seconds FROM ${f.from}
        WHERE metric IN ('out', 'reply', 'conversion')
          ${by === 'error' ? "AND (metric <> 'out' OR status = 'failed')" : ''}
        GROUP BY 1, 2, 3`,
      f.params,
    );
    const labels = await this.labels(q.workspaceId, by, [...new Set(rows.map((r) => r.key))]);
    const build = (keyValue: string, subset: typeof rows): MessagingRow => {
      const counts = messageCounts(
        subset.filter((r) => r.metric === 'out').map((r) => ({ status: r.status, count: r.count, readSeconds: r.seconds })),
      );
      const replied = subset.filter((r) => r.metric === 'reply').reduce((s, r) => s + r.count, 0);
      const converted = subset.filter((r) => r.metric === 'conversion').reduce((s, r) => s + r.count, 0);
      return {
        key: keyValue,
        label: labels.get(keyValue) ?? (keyValue || '(none)'),
        ...counts,
        replied,
        replyRate: rate(replied, counts.sent),
        converted,
      };
    };
    const keys = [...new Set(rows.map((r) => r.key))];
    const optOuts = await sqlRows(
      this.dataSource,
      z.object({ count: num }),
      `SELECT count(*) AS count FROM contacts
        WHERE workspace_id = $1 AND marketing_consent = 'opted_out' AND marketing_consent_at >= $2 AND marketing_consent_at < $3`,
      [q.workspaceId, q.from, q.to],
    );
    return {
      totals: build('', rows),
      rows: keys
        .map((k) =>
          build(
            k,
            rows.filter((r) => r.key === k),
          ),
        )
        .sort((a, b) => b.sent + b.failed - (a.sent + a.failed) || a.label.localeCompare(b.label)),
      optOuts: optOuts[0]?.count ?? 0,
    };
  }

  /** Display names for messaging keys (flows, steps, numbers). */
  private async labels(workspaceId: string, by: string, keys: string[]): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    if (by === 'flow' || by === 'step') {
      const flows = await sqlRows(
        this.dataSource,
        z.object({ id: z.string(), name: z.string() }),
        'SELECT id::text, name FROM flows WHERE workspace_id = $1',
        [workspaceId],
      );
      const names = new Map(flows.map((f) => [f.id, f.name]));
      for (const k of keys) {
        const [flow, node] = k.split(':');
        const flowName = flow ? (names.get(flow) ?? 'Deleted flow') : 'Agents and other';
        map.set(k, by === 'step' ? `${flowName} › ${node || '(no step)'}` : flowName);
      }
    } else if (by === 'number') {
      const numbers = await sqlRows(
        this.dataSource,
        z.object({ id: z.string(), label: z.string() }),
        "SELECT id::text, coalesce(nullif(display_phone_number, ''), phone_number_id) AS label FROM whatsapp_numbers WHERE workspace_id = $1",
        [workspaceId],
      );
      for (const n of numbers) map.set(n.id, n.label);
    }
    return map;
  }

  async funnel(
    q: ReportQuery,
    flowVersionId: string | null = null,
  ): Promise<{
    flows: {
      flowId: string;
      name: string;
      entered: number;
      ended: { succeeded: number; failed: number; cancelled: number } | null;
      sent: number;
      failed: number;
      delivered: number;
      read: number;
      replied: number;
      converted: number;
      conversionRate: number | null;
    }[];
    stages: FunnelStage[];
    revenue: { currency: string; amount: number; orders: number }[];
    steps: {
      flowVersionId: string;
      version: number | null;
      nodeId: string;
      label: string;
      reached: number;
      sent: number;
      failed: number;
      delivered: number;
      read: number;
      replied: number;
      converted: number;
    }[];
    /** With flowId and no tag filter; null otherwise. */
    edges: { flowVersionId: string; nodeId: string; output: string; taken: number }[] | null;
  }> {
    const f = this.rollupRows(q);
    const allRows = await sqlRows(
      this.dataSource,
      z.object({
        flow_id: z.string(),
        flow_version_id: z.string(),
        node_id: z.string(),
        metric: z.string(),
        status: z.string(),
        count: num,
      }),
      `SELECT flow_id::text, flow_version_id::text, node_id, metric, status, sum(count) AS count FROM ${f.from}
        WHERE flow_id IS NOT NULL AND metric IN ('entered', 'step', 'out', 'reply', 'conversion', 'ended', 'taken')
        GROUP BY 1, 2, 3, 4, 5`,
      f.params,
    );
    // One version of a flow (the flow editor's Performance tab picks one).
    const rows = flowVersionId === null ? allRows : allRows.filter((r) => r.flow_version_id === flowVersionId);
    // Revenue: the orders the flows converted (one conversion fact per order, credited as the conversion counts are).
    const revenue = await sqlRows(
      this.dataSource,
      z.object({ currency: z.string(), amount: num, orders: num }),
      `SELECT o.currency, sum(o.total) AS amount, count(*) AS orders FROM report_conversion_facts f JOIN orders o ON o.id = f.order_id
        WHERE f.workspace_id = $1 AND f.hour >= $2 AND f.hour < $3 AND ($4::uuid IS NULL OR f.number_id = $4) AND ($5::uuid IS NULL OR f.flow_id = $5)
          AND ($7::uuid IS NULL OR f.flow_version_id = $7)
          AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = f.contact_id AND t.tag = $6))
        GROUP BY 1 ORDER BY 2 DESC`,
      [q.workspaceId, q.from, q.to, q.numberId, q.flowId, q.tag, flowVersionId],
    );
    const flowNames = await sqlRows(
      this.dataSource,
      z.object({ id: z.string(), name: z.string() }),
      'SELECT id::text, name FROM flows WHERE workspace_id = $1',
      [q.workspaceId],
    );
    const totals = (subset: typeof rows) => {
      const counts = messageCounts(
        subset.filter((r) => r.metric === 'out').map((r) => ({ status: r.status, count: r.count, readSeconds: 0 })),
      );
      const sum = (metric: string) => subset.filter((r) => r.metric === metric).reduce((s, r) => s + r.count, 0);
      const ended = (status: string) => subset.filter((r) => r.metric === 'ended' && r.status === status).reduce((s, r) => s + r.count, 0);
      return {
        entered: sum('entered'),
        reached: sum('step'),
        ended: { succeeded: ended('succeeded'), failed: ended('failed'), cancelled: ended('cancelled') },
        sent: counts.sent,
        failed: counts.failed,
        delivered: counts.delivered,
        read: counts.read,
        replied: sum('reply'),
        converted: sum('conversion'),
      };
    };
    const flows = flowNames
      .map((flow) => {
        const t = totals(rows.filter((r) => r.flow_id === flow.id));
        return {
          flowId: flow.id,
          name: flow.name,
          entered: t.entered,
          // Runs ended are not kept per tag (report_tag_hours): with a tag filter they are unknown, not zero.
          ended: q.tag ? null : t.ended,
          sent: t.sent,
          failed: t.failed,
          delivered: t.delivered,
          read: t.read,
          replied: t.replied,
          converted: t.converted,
          conversionRate: rate(t.converted, t.entered),
        };
      })
      .filter((flow) => flow.entered + flow.sent > 0)
      .sort((a, b) => b.entered - a.entered || a.name.localeCompare(b.name));
    const all = totals(rows);
    const stageCounts: [string, string, number][] = [
      ['entered', 'Entered', all.entered],
      ['sent', 'Sent', all.sent],
      ['delivered', 'Delivered', all.delivered],
      ['read', 'Read', all.read],
      ['replied', 'Replied', all.replied],
      ['converted', 'Converted', all.converted],
    ];
    const stages = stageCounts.map(([stage, label, count], i) => {
      const prior = i > 0 ? (stageCounts[i - 1]?.[2] ?? 0) : 0;
      return { stage, label, count, dropOff: i === 0 || prior === 0 ? null : Math.max(0, 1 - count / prior) };
    });
    let steps: Awaited<ReturnType<ReportQueriesService['funnel']>>['steps'] = [];
    if (q.flowId) {
      const versions = await sqlRows(
        this.dataSource,
        z.object({ id: z.string(), version: z.number(), definition: z.unknown() }),
        'SELECT id::text, version, definition FROM flow_versions WHERE flow_id = $1 AND workspace_id = $2',
        [q.flowId, q.workspaceId],
      );
      const nodeLabels = new Map<string, string>();
      const nodeShape = z
        .object({ nodes: z.array(z.object({ id: z.string(), type: z.string(), label: z.string().optional() }).loose()) })
        .loose();
      for (const v of versions) {
        const parsed = nodeShape.safeParse(v.definition);
        if (parsed.success) for (const n of parsed.data.nodes) nodeLabels.set(`${v.id}:${n.id}`, n.label || n.type);
      }
      const keys = [...new Set(rows.filter((r) => r.node_id !== '').map((r) => `${r.flow_version_id}:${r.node_id}`))];
      steps = keys
        .map((k) => {
          const [versionId = '', nodeId = ''] = k.split(':');
          const t = totals(rows.filter((r) => r.flow_version_id === versionId && r.node_id === nodeId));
          return {
            flowVersionId: versionId,
            version: versions.find((v) => v.id === versionId)?.version ?? null,
            nodeId,
            label: nodeLabels.get(k) ?? nodeId,
            reached: t.reached,
            sent: t.sent,
            failed: t.failed,
            delivered: t.delivered,
            read: t.read,
            replied: t.replied,
            converted: t.converted,
          };
        })
        .sort((a, b) => (b.version ?? 0) - (a.version ?? 0) || b.reached - a.reached || a.nodeId.localeCompare(b.nodeId));
    }
    // Connections taken: per version, step and output (the flow's document joins them to its edges).
    const edges = new Map<string, { flowVersionId: string; nodeId: string; output: string; taken: number }>();
    if (q.flowId && !q.tag) {
      for (const r of rows.filter((row) => row.metric === 'taken')) {
        const key = JSON.stringify([r.flow_version_id, r.node_id, r.status]);
        const edge = edges.get(key) ?? { flowVersionId: r.flow_version_id, nodeId: r.node_id, output: r.status, taken: 0 };
        edge.taken += r.count;
        edges.set(key, edge);
      }
    }
    return {
      flows,
      stages,
      revenue,
      steps,
      edges:
        q.flowId && !q.tag
          ? [...edges.values()]
              .filter((e) => e.taken !== 0)
              .sort(
                (a, b) =>
                  a.nodeId.localeCompare(b.nodeId) || a.output.localeCompare(b.output) || a.flowVersionId.localeCompare(b.flowVersionId),
              )
          : null,
    };
  }

  /**
   * Customers who asked for a discount in the range (a message with the
   * discount intent), and how many of them ordered within the conversion
   * window after such a message (docs/REPORTS.md "Discount requests → orders").
   * A customer counts at their first request in the range: the one whose
   * previous request (by the filter's chain: every number, or the number's) is
   * before `from`, or none. The whole UTC days of the range are read from
   * report_discount_days, where that previous request is known by its day: a
   * day before the day of `from` is before `from`. The rest, at most about a day
   * each, from the requests (report_discount_facts): the ragged ends (their
   * exact previous time), and the requests of that day before `from` whose
   * customer's next request falls in the whole days (those next requests have a
   * previous request before `from` in the same day).
   */
  async discountConversion(q: ReportQuery): Promise<DiscountConversion> {
    const { settings } = await this.settings.get(q.workspaceId);
    const { days, head, tail } = histogramSpans(q.from, q.to);
    const dayOfFrom = new Date(Math.floor(q.from.getTime() / DAY_MS) * DAY_MS);
    const wholeDays = days[0].getTime() < days[1].getTime();
    // The chain of the filter: by number, a customer's requests on that number only.
    const [prev, prevConverted] = q.numberId ? ['prev_number_at', 'prev_number_converted_at'] : ['prev_at', 'prev_converted_at'];
    const sameNumber = q.numberId ? 'AND x.number_id = p.number_id' : '';
    const keep = (alias: string): string =>
      `${alias}.workspace_id = $1 AND ($2::uuid IS NULL OR ${alias}.number_id = $2) AND ($3::text IS NULL OR ${alias}.tags @> ARRAY[$3::text])`;
    const counts = z.object({ requests: num, customers: num, converted: num });
    const [ends, level, edge] = await Promise.all([
      sqlRows(
        this.dataSource,
        counts,
        `SELECT count(*) AS requests, count(*) FILTER (WHERE f.${prev} IS NULL OR f.${prev} < $4) AS customers,
                count(*) FILTER (WHERE f.converted_at IS NOT NULL AND (f.${prevConverted} IS NULL OR f.${prevConverted} < $4)) AS converted
           FROM report_discount_facts f
          WHERE ${keep('f')} AND ((f.at >= $4 AND f.at < $5) OR (f.at >= $6 AND f.at < $7))`,
        [q.workspaceId, q.numberId, q.tag, head[0], head[1], tail[0], tail[1]],
      ),
      wholeDays
        ? sqlRows(
            this.dataSource,
            counts,
            `SELECT coalesce(sum(count) FILTER (WHERE metric = 'request'), 0) AS requests,
                    coalesce(sum(count) FILTER (WHERE metric = 'request' AND (prev_day IS NULL OR prev_day < $5)), 0) AS customers,
                    coalesce(sum(count) FILTER (WHERE metric = 'converted' AND (prev_day IS NULL OR prev_day < $5)), 0) AS converted
               FROM report_discount_days
              WHERE workspace_id = $1 AND ${q.numberId ? 'number_id = $2' : 'number_id IS NULL AND $2::uuid IS NULL'} AND tag = $3
                AND metric IN ('request', 'converted') AND day >= $4 AND day < $6`,
            [q.workspaceId, q.numberId, q.tag ?? '', days[0], dayOfFrom, days[1]],
          )
        : Promise.resolve([]),
      wholeDays && dayOfFrom.getTime() < q.from.getTime()
        ? sqlRows(
            this.dataSource,
            counts,
            `SELECT 0 AS requests,
                    count(*) FILTER (WHERE n.at >= $6 AND n.at < $7) AS customers,
                    count(*) FILTER (WHERE p.converted_at IS NOT NULL AND c.at >= $6 AND c.at < $7) AS converted
               FROM report_discount_facts p
               CROSS JOIN LATERAL (SELECT min(x.at) AS at FROM (
                 SELECT x.at FROM report_discount_facts x WHERE x.contact_id = p.contact_id ${sameNumber}
                    AND (x.at, x.message_id) > (p.at, p.message_id) ORDER BY x.at, x.message_id LIMIT 1) x) n
               CROSS JOIN LATERAL (SELECT min(x.at) AS at FROM (
                 SELECT x.at FROM report_discount_facts x WHERE p.converted_at IS NOT NULL AND x.contact_id = p.contact_id ${sameNumber}
                    AND x.converted_at IS NOT NULL AND (x.at, x.message_id) > (p.at, p.message_id) ORDER BY x.at, x.message_id LIMIT 1) x) c
              WHERE ${keep('p')} AND p.at >= $4 AND p.at < $5`,
            [q.workspaceId, q.numberId, q.tag, dayOfFrom, q.from, days[0], days[1]],
          )
        : Promise.resolve([]),
    ]);
    const sum = (key: 'requests' | 'customers' | 'converted'): number =>
      [...ends, ...level, ...edge].reduce((total, row) => total + row[key], 0);
    const customers = sum('customers');
    const converted = sum('converted');
    return {
      requests: sum('requests'),
      customers,
      converted,
      rate: rate(converted, customers),
      windowDays: settings.reports.conversionDays,
    };
  }

  async prices(workspaceId: string): Promise<Price[]> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ country: z.string(), category: z.enum(PRICING_CATEGORIES), price: num, currency: z.string() }),
      'SELECT country, category, price, currency FROM report_prices WHERE workspace_id = $1 ORDER BY country, category',
      [workspaceId],
    );
    return rows;
  }

  async cost(q: ReportQuery): Promise<{
    lines: CostLine[];
    total: number;
    currency: string | null;
    delivered: number;
    converted: number;
    costPerMessage: number | null;
    costPerConversion: number | null;
  }> {
    const f = this.rollupRows(q);
    const rows = await sqlRows(
      this.dataSource,
      z.object({ category: z.string(), country: z.string(), delivered: num, converted: num }),
      `SELECT category, country,
              coalesce(sum(count) FILTER (WHERE metric = 'out' AND status IN ('delivered', 'read')), 0) AS delivered,
              coalesce(sum(count) FILTER (WHERE metric = 'conversion'), 0) AS converted
         FROM ${f.from}
        WHERE metric IN ('out', 'conversion')
        GROUP BY 1, 2`,
      f.params,
    );
    const lines = costLines(
      rows.filter((r) => r.delivered > 0),
      await this.prices(q.workspaceId),
    ).sort((a, b) => b.cost - a.cost || b.delivered - a.delivered);
    const total = Math.round(lines.reduce((s, l) => s + l.cost, 0) * 1e6) / 1e6;
    const delivered = lines.reduce((s, l) => s + l.delivered, 0);
    const converted = rows.reduce((s, r) => s + r.converted, 0);
    return {
      lines,
      total,
      currency: lines.find((l) => l.currency)?.currency ?? null,
      delivered,
      converted,
      costPerMessage: rate(total, delivered),
      costPerConversion: rate(total, converted),
    };
  }
}
