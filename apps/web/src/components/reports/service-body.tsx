import { BarChart } from './bar-chart';
import { DataTable } from './data-table';
import { Kpi } from './kpi';
import styles from './reports.module.css';
import { formatCount, formatDuration } from '@/lib/reports/report-format';
import type { ServiceReport } from '@/lib/reports/report-schemas';

/** The service efficiency report's figures, charts and tables (the live page and the weekly snapshot). */
export function ServiceBody({ report }: { report: ServiceReport }) {
  const { current, previous } = report;
  const s = current.summary;
  const p = previous.summary;
  const threshold = current.thresholdMinutes;
  return (
    <section className={styles.report} aria-label="Service efficiency figures">
      <dl className={styles.kpis}>
        <Kpi
          label="First response (median)"
          value={formatDuration(s.firstResponse.median)}
          current={s.firstResponse.median}
          previous={p.firstResponse.median}
          lowerIsBetter
          detail={`p90 ${formatDuration(s.firstResponse.p90)} · business hours ${formatDuration(s.firstResponse.businessMedian)}`}
        />
        <Kpi
          label="Reply time (median)"
          value={formatDuration(s.reply.median)}
          current={s.reply.median}
          previous={p.reply.median}
          lowerIsBetter
          detail={`p90 ${formatDuration(s.reply.p90)} · business hours ${formatDuration(s.reply.businessMedian)}`}
        />
        <Kpi
          label="Resolution (median)"
          value={formatDuration(s.resolution.median)}
          current={s.resolution.median}
          previous={p.resolution.median}
          lowerIsBetter
          detail={`p90 ${formatDuration(s.resolution.p90)} · ${formatCount(s.resolution.count)} resolved`}
        />
        <Kpi label="Conversations opened" value={formatCount(s.opened)} current={s.opened} previous={p.opened} />
      </dl>
      <p className={styles.note}>
        Medians and p90 are read from duration histograms (buckets 1/16 of an octave wide): each is within 4.5% of the exact value, and
        exact when the durations around it are equal. Durations under 1 second count as 0. With a tag filter, the same histograms kept per
        tag (the tags a contact had when its conversation was counted).
      </p>
      <h2>Reply time per agent</h2>
      <p className={styles.note}>Agents whose median reply time passes {threshold} minutes are flagged.</p>
      <BarChart
        title="Median reply time per agent"
        data={current.agents.map((a) => ({
          label: a.flagged ? `${a.name} (over ${threshold} min)` : a.name,
          value: a.replyMedian ?? 0,
          display: formatDuration(a.replyMedian),
          highlight: a.flagged,
        }))}
      />
      <DataTable
        caption="Agents: conversations handled, replies, first response, reply and resolution times"
        csvName="service-agents"
        headers={[
          'Agent',
          'Conversations',
          'Replies',
          'First response (median)',
          'Reply (median)',
          'Reply (p90)',
          'Reply in business hours (median)',
          'Resolved',
          'Resolution (median)',
          'Over threshold',
        ]}
        rows={current.agents.map((a) => [
          a.name,
          formatCount(a.conversations),
          formatCount(a.replies),
          formatDuration(a.firstResponseMedian),
          formatDuration(a.replyMedian),
          formatDuration(a.replyP90),
          formatDuration(a.businessReplyMedian),
          formatCount(a.resolutions),
          formatDuration(a.resolutionMedian),
          a.flagged ? 'Yes' : 'No',
        ])}
        csvRows={current.agents.map((a) => [
          a.name,
          a.conversations,
          a.replies,
          a.firstResponseMedian,
          a.replyMedian,
          a.replyP90,
          a.businessReplyMedian,
          a.resolutions,
          a.resolutionMedian,
          a.flagged ? 'yes' : 'no',
        ])}
      />
      <DataTable
        caption="Service times in calendar and business hours (seconds in the export)"
        csvName="service-summary"
        headers={['Metric', 'Count', 'Median', 'p90', 'Median (business hours)', 'p90 (business hours)', 'Median, previous period']}
        rows={(
          [
            ['First response', s.firstResponse, p.firstResponse],
            ['Reply time', s.reply, p.reply],
            ['Resolution', s.resolution, p.resolution],
          ] as const
        ).map(([label, d, before]) => [
          label,
          formatCount(d.count),
          formatDuration(d.median),
          formatDuration(d.p90),
          formatDuration(d.businessMedian),
          formatDuration(d.businessP90),
          formatDuration(before.median),
        ])}
        csvRows={(
          [
            ['first_response', s.firstResponse, p.firstResponse],
            ['reply', s.reply, p.reply],
            ['resolution', s.resolution, p.resolution],
          ] as const
        ).map(([label, d, before]) => [label, d.count, d.median, d.p90, d.businessMedian, d.businessP90, before.median])}
      />
    </section>
  );
}
