import { BarChart } from './bar-chart';
import { DailyRate } from './daily-rate';
import { DataTable } from './data-table';
import { Kpi } from './kpi';
import styles from './reports.module.css';
import { formatCount, formatPercent } from '@/lib/reports/report-format';
import type { DailyReport, DiscountReport, FunnelReport } from '@/lib/reports/report-schemas';

/** Runs ended are not kept per tag (and older weekly snapshots lack them): unknown, not zero. */
function ended(count: number | undefined): string {
  return count === undefined ? '—' : formatCount(count);
}

/** The sales funnel report's figures, chart and tables (the live page and the weekly snapshot). */
/** `flowChosen` null: no step section (the weekly report covers every flow). */
/** `discount` null: not shown (a flow is chosen, or a weekly snapshot, which does not keep it). */
/** `daily` null: no per-day chart (a weekly snapshot does not keep it). */
export function FunnelBody({
  report,
  flowChosen,
  discount = null,
  daily = null,
}: {
  report: FunnelReport;
  flowChosen: boolean | null;
  discount?: DiscountReport | null;
  daily?: DailyReport | null;
}) {
  const { current, previous } = report;
  const stage = (r: FunnelReport['current'], name: string) => r.stages.find((s) => s.stage === name)?.count ?? 0;
  const entered = stage(current, 'entered');
  const converted = stage(current, 'converted');
  return (
    <section className={styles.report} aria-label="Sales funnel figures">
      <dl className={styles.kpis}>
        <Kpi label="Entered a flow" value={formatCount(entered)} current={entered} previous={stage(previous, 'entered')} />
        <Kpi
          label="Messages read"
          value={formatCount(stage(current, 'read'))}
          current={stage(current, 'read')}
          previous={stage(previous, 'read')}
        />
        <Kpi
          label="Replied"
          value={formatCount(stage(current, 'replied'))}
          current={stage(current, 'replied')}
          previous={stage(previous, 'replied')}
        />
        <Kpi
          label="Converted (order within the window)"
          value={formatCount(converted)}
          current={converted}
          previous={stage(previous, 'converted')}
          detail={`${formatPercent(entered > 0 ? converted / entered : null)} of those who entered`}
        />
      </dl>
      <h2>Funnel</h2>
      <BarChart
        title="Funnel stages"
        data={current.stages.map((s) => ({ label: s.label, value: s.count, display: formatCount(s.count) }))}
      />
      <DataTable
        caption="Funnel: each stage and the share lost from the one before"
        csvName="funnel-stages"
        headers={['Stage', 'Count', 'Drop-off', 'Previous period']}
        rows={current.stages.map((s) => [
          s.label,
          formatCount(s.count),
          formatPercent(s.dropOff),
          formatCount(previous.stages.find((p) => p.stage === s.stage)?.count ?? 0),
        ])}
        csvRows={current.stages.map((s) => [s.stage, s.count, s.dropOff, previous.stages.find((p) => p.stage === s.stage)?.count ?? 0])}
      />
      <h2>Which flow converts</h2>
      <DataTable
        caption="Flows: entered, runs ended (succeeded, failed, cancelled), sent, delivered, read, replied, converted"
        csvName="funnel-flows"
        headers={[
          'Flow',
          'Entered',
          'Succeeded',
          'Failed runs',
          'Cancelled',
          'Sent',
          'Delivered',
          'Read',
          'Replied',
          'Converted',
          'Conversion',
        ]}
        rows={current.flows.map((f) => [
          f.name,
          formatCount(f.entered),
          ended(f.ended?.succeeded),
          ended(f.ended?.failed),
          ended(f.ended?.cancelled),
          formatCount(f.sent),
          formatCount(f.delivered),
          formatCount(f.read),
          formatCount(f.replied),
          formatCount(f.converted),
          formatPercent(f.conversionRate),
        ])}
        csvRows={current.flows.map((f) => [
          f.name,
          f.entered,
          f.ended?.succeeded ?? null,
          f.ended?.failed ?? null,
          f.ended?.cancelled ?? null,
          f.sent,
          f.delivered,
          f.read,
          f.replied,
          f.converted,
          f.conversionRate,
        ])}
      />
      {daily ? (
        <>
          <h2>Conversion rate per day</h2>
          <DailyRate report={daily} kind="conversion" />
        </>
      ) : null}
      <h2>Discount requests → orders</h2>
      {discount ? (
        <>
          <dl className={styles.kpis}>
            <Kpi
              label="Customers who asked for a discount"
              value={formatCount(discount.current.customers)}
              current={discount.current.customers}
              previous={discount.previous.customers}
              detail={`${formatCount(discount.current.requests)} messages with the discount intent`}
            />
            <Kpi
              label={`Of them, ordered within ${discount.current.windowDays} days`}
              value={formatCount(discount.current.converted)}
              current={discount.current.converted}
              previous={discount.previous.converted}
              detail={`${formatPercent(discount.current.rate)} of those who asked`}
            />
          </dl>
          <DataTable
            caption="Discount requests and the orders after them"
            csvName="funnel-discount"
            headers={['Period', 'Requests', 'Customers who asked', 'Ordered within the window', 'Conversion']}
            rows={[discount.current, discount.previous].map((d, i) => [
              i === 0 ? 'This period' : 'Previous period',
              formatCount(d.requests),
              formatCount(d.customers),
              formatCount(d.converted),
              formatPercent(d.rate),
            ])}
            csvRows={[discount.current, discount.previous].map((d, i) => [
              i === 0 ? 'current' : 'previous',
              d.requests,
              d.customers,
              d.converted,
              d.rate,
            ])}
          />
        </>
      ) : (
        <p className={styles.note}>
          {flowChosen ? 'Discount requests are no flow’s: clear the flow filter to see them.' : 'Not in this snapshot.'}
        </p>
      )}
      {flowChosen === null ? null : <h2>Where customers drop off</h2>}
      {flowChosen === null ? null : flowChosen ? (
        <DataTable
          caption="Steps of the chosen flow, per version: reached, and what their messages did"
          csvName="funnel-steps"
          headers={['Step', 'Version', 'Reached', 'Sent', 'Delivered', 'Read', 'Replied', 'Converted']}
          rows={current.steps.map((s) => [
            s.label,
            s.version === null ? '—' : `v${s.version}`,
            formatCount(s.reached),
            formatCount(s.sent),
            formatCount(s.delivered),
            formatCount(s.read),
            formatCount(s.replied),
            formatCount(s.converted),
          ])}
          csvRows={current.steps.map((s) => [s.label, s.version, s.reached, s.sent, s.delivered, s.read, s.replied, s.converted])}
        />
      ) : (
        <p className={styles.note}>Choose a flow above to see each of its steps.</p>
      )}
    </section>
  );
}
