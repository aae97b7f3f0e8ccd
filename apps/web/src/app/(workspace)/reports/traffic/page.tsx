import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { BarChart } from '@/components/reports/bar-chart';
import { DataTable } from '@/components/reports/data-table';
import { Heatmap } from '@/components/reports/heatmap';
import { Kpi } from '@/components/reports/kpi';
import { LineChart } from '@/components/reports/line-chart';
import { ReportFrame } from '@/components/reports/report-frame';
import styles from '@/components/reports/reports.module.css';
import { readFromEngine } from '@/lib/engine-server';
import { formatChange, formatCount, formatPercent, WEEKDAYS } from '@/lib/reports/report-format';
import { engineQuery } from '@/lib/reports/report-params';
import { type TermTrend, type TrafficReport, trafficReportSchema, type WordsReport, wordsReportSchema } from '@/lib/reports/report-schemas';
import { loadReport, previousLabel } from '@/lib/reports/load-report';

export const metadata: Metadata = { title: 'Traffic and words' };

export default async function TrafficReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const search = await searchParams;
  const data = await loadReport('/api/reports/traffic', trafficReportSchema, search);
  const watch = typeof search['watch'] === 'string' && search['watch'].trim() !== '' ? search['watch'].trim().slice(0, 100) : 'discount';
  const words = await readFromEngine(
    `/api/reports/words?${engineQuery(data.params, { limit: '20', watch, below: '0.08' }, false)}`,
    wordsReportSchema,
  );
  const report = data.report.ok ? data.report.data : null;
  return (
    <ReportFrame slug="traffic" {...data} previousLabel={previousLabel(report?.previousRange ?? null)}>
      {report ? <TrafficBody report={report} /> : data.report.ok ? null : <ErrorNotice problem={data.report.problem} />}
      {words.ok ? <WordsBody report={words.data} /> : <ErrorNotice problem={words.problem} />}
    </ReportFrame>
  );
}

function TrafficBody({ report }: { report: TrafficReport }) {
  const { current, previous } = report;
  const busiest = [...current.cells].sort((a, b) => b.inbound - a.inbound || a.weekday - b.weekday || a.hour - b.hour).slice(0, 5);
  return (
    <section className={styles.report} aria-label="Traffic figures">
      <dl className={styles.kpis}>
        <Kpi
          label="Customer messages"
          value={formatCount(current.totals.inbound)}
          current={current.totals.inbound}
          previous={previous.totals.inbound}
        />
        <Kpi
          label="Messages sent"
          value={formatCount(current.totals.outbound)}
          current={current.totals.outbound}
          previous={previous.totals.outbound}
        />
        <Kpi
          label="Conversations opened"
          value={formatCount(current.totals.opened)}
          current={current.totals.opened}
          previous={previous.totals.opened}
        />
      </dl>
      <h2>When we are busiest</h2>
      <Heatmap cells={current.cells} timeZone={current.timeZone} />
      <DataTable
        caption={`Busiest hours (${current.timeZone})`}
        csvName="traffic-busiest-hours"
        headers={['Hour', 'Customer messages', 'Messages sent']}
        rows={busiest.map((c) => [
          `${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`,
          formatCount(c.inbound),
          formatCount(c.outbound),
        ])}
        csvRows={busiest.map((c) => [`${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`, c.inbound, c.outbound])}
      />
      <DataTable
        caption={`Messages per weekday and hour (${current.timeZone}) — the heatmap as a table`}
        csvName="traffic-heatmap"
        headers={['Weekday and hour', 'Customer messages', 'Messages sent']}
        rows={current.cells.map((c) => [
          `${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`,
          formatCount(c.inbound),
          formatCount(c.outbound),
        ])}
        csvRows={current.cells.map((c) => [`${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`, c.inbound, c.outbound])}
      />
      <h2>Per day</h2>
      <LineChart
        title="Customer messages per day, this period and the previous one"
        steps={current.days.map((d) => d.day)}
        series={[
          { label: 'Customer messages, this period', values: current.days.map((d) => d.inbound) },
          { label: 'Previous period', values: previous.days.map((d) => d.inbound), dashed: true },
        ]}
      />
      <LineChart
        title="Messages sent per day, this period and the previous one"
        steps={current.days.map((d) => d.day)}
        series={[
          { label: 'Messages sent, this period', values: current.days.map((d) => d.outbound) },
          { label: 'Previous period', values: previous.days.map((d) => d.outbound), dashed: true },
        ]}
      />
      <DataTable
        caption="Messages and conversations opened per day, with the same day of the previous period"
        csvName="traffic-days"
        headers={[
          'Day',
          'Customer messages',
          'Messages sent',
          'Conversations opened',
          'Previous period: day',
          'Customer messages',
          'Messages sent',
        ]}
        rows={current.days.map((d, i) => {
          const p = previous.days[i];
          return [
            d.day,
            formatCount(d.inbound),
            formatCount(d.outbound),
            formatCount(d.opened),
            p?.day ?? '—',
            p ? formatCount(p.inbound) : '—',
            p ? formatCount(p.outbound) : '—',
          ];
        })}
        csvRows={current.days.map((d, i) => {
          const p = previous.days[i];
          return [d.day, d.inbound, d.outbound, d.opened, p?.day ?? null, p?.inbound ?? null, p?.outbound ?? null];
        })}
      />
    </section>
  );
}

function termRows(terms: readonly TermTrend[]) {
  return {
    rows: terms.map((t) => [t.term, formatCount(t.count), formatPercent(t.share), formatCount(t.previous), formatChange(t.change)]),
    csvRows: terms.map((t) => [t.term, t.count, t.share, t.previous, t.change]),
  };
}

function WordsBody({ report }: { report: WordsReport }) {
  const { current } = report;
  const watch = current.watch;
  return (
    <section className={styles.report} aria-label="Words figures">
      <h2>What customers write about</h2>
      {watch ? (
        <p className={watch.alert ? 'notice notice-warning' : styles.note} role={watch.alert ? 'status' : undefined}>
          “{watch.term}” is in {formatPercent(watch.share)} of customer messages
          {watch.alert ? `, under the ${formatPercent(watch.below, 0)} you watch for.` : '.'}
        </p>
      ) : null}
      <BarChart
        title="Most frequent words"
        data={current.words.slice(0, 12).map((t) => ({ label: t.term, value: t.count, display: formatCount(t.count) }))}
      />
      <DataTable
        caption="Most frequent words (stop words of it, en, pl, es, de, fr removed)"
        csvName="words"
        headers={['Word', 'Messages', 'Share', 'Previous period', 'Trend']}
        {...termRows(current.words)}
      />
      <DataTable
        caption="Intents of customer messages"
        csvName="intents"
        headers={['Intent', 'Messages', 'Share', 'Previous period', 'Trend']}
        {...termRows(current.intents)}
      />
    </section>
  );
}
