import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { PriceTableEditor } from '@/components/reports/price-table-editor';
import { BarChart } from '@/components/reports/bar-chart';
import { DailyRate } from '@/components/reports/daily-rate';
import { DataTable } from '@/components/reports/data-table';
import { Kpi } from '@/components/reports/kpi';
import { ReportFrame } from '@/components/reports/report-frame';
import styles from '@/components/reports/reports.module.css';
import { readFromEngine } from '@/lib/engine-server';
import { formatCount, formatDuration, formatMoney, formatPercent } from '@/lib/reports/report-format';
import { engineQuery } from '@/lib/reports/report-params';
import {
  type CostReport,
  costReportSchema,
  type DailyReport,
  dailyReportSchema,
  type MessagingReport,
  messagingReportSchema,
  type MessagingRow,
  priceTableSchema,
} from '@/lib/reports/report-schemas';
import { meResponseSchema } from '@/lib/session-user';
import { loadReport, previousLabel } from '@/lib/reports/load-report';

export const metadata: Metadata = { title: 'Messaging and cost' };

export default async function MessagingReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const search = await searchParams;
  const data = await loadReport('/api/reports/messaging', messagingReportSchema, search, { by: 'flow' });
  const [templates, errors, cost, prices, me, daily] = await Promise.all([
    readFromEngine(`/api/reports/messaging?${engineQuery(data.params, { by: 'template' }, false)}`, messagingReportSchema),
    readFromEngine(`/api/reports/messaging?${engineQuery(data.params, { by: 'error' }, false)}`, messagingReportSchema),
    readFromEngine(`/api/reports/cost?${engineQuery(data.params, {}, false)}`, costReportSchema),
    readFromEngine('/api/reports/prices', priceTableSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
    readFromEngine(`/api/reports/daily?${engineQuery(data.params)}`, dailyReportSchema),
  ]);
  const report = data.report.ok ? data.report.data : null;
  return (
    <ReportFrame slug="messaging" {...data} previousLabel={previousLabel(report?.previousRange ?? null)}>
      {report && templates.ok && errors.ok && cost.ok && daily.ok ? (
        <MessagingBody byFlow={report} byTemplate={templates.data} byError={errors.data} cost={cost.data} daily={daily.data} />
      ) : (
        <ErrorNotice
          problem={
            !data.report.ok
              ? data.report.problem
              : !cost.ok
                ? cost.problem
                : !templates.ok
                  ? templates.problem
                  : !errors.ok
                    ? errors.problem
                    : !daily.ok
                      ? daily.problem
                      : { title: 'No report', message: '' }
          }
        />
      )}
      {prices.ok ? <PriceTableEditor prices={prices.data.prices} canEdit={me.ok && me.data.user.role === 'admin'} /> : null}
    </ReportFrame>
  );
}

const HEADERS = ['Name', 'Sent', 'Delivered', 'Read', 'Failed', 'Read rate', 'Time to read (mean)', 'Replied', 'Converted'];
function shown(r: MessagingRow): string[] {
  return [
    r.label,
    formatCount(r.sent),
    formatCount(r.delivered),
    formatCount(r.read),
    formatCount(r.failed),
    formatPercent(r.readRate),
    formatDuration(r.meanSecondsToRead),
    formatCount(r.replied),
    formatCount(r.converted),
  ];
}
function raw(r: MessagingRow): (string | number | null)[] {
  return [r.label, r.sent, r.delivered, r.read, r.failed, r.readRate, r.meanSecondsToRead, r.replied, r.converted];
}

function MessagingBody({
  byFlow,
  byTemplate,
  byError,
  cost,
  daily,
}: {
  byFlow: MessagingReport;
  byTemplate: MessagingReport;
  byError: MessagingReport;
  cost: CostReport;
  daily: DailyReport;
}) {
  const t = byFlow.current.totals;
  const before = byFlow.previous.totals;
  const c = cost.current;
  const failures = byError.current.rows.filter((r) => r.failed > 0);
  return (
    <>
      <section className={styles.report} aria-label="Messaging figures">
        <dl className={styles.kpis}>
          <Kpi
            label="Sent"
            value={formatCount(t.sent)}
            current={t.sent}
            previous={before.sent}
            detail={`${formatCount(t.failed)} failed`}
          />
          <Kpi label="Delivery rate" value={formatPercent(t.deliveryRate)} current={t.deliveryRate} previous={before.deliveryRate} />
          <Kpi
            label="Read rate"
            value={formatPercent(t.readRate)}
            current={t.readRate}
            previous={before.readRate}
            detail={`mean time to read ${formatDuration(t.meanSecondsToRead)}`}
          />
          <Kpi
            label="Opt-outs"
            value={formatCount(byFlow.current.optOuts)}
            current={byFlow.current.optOuts}
            previous={byFlow.previous.optOuts}
            lowerIsBetter
          />
        </dl>
        <h2>Per flow</h2>
        <BarChart
          title="Messages sent per flow"
          data={byFlow.current.rows.map((r) => ({ label: r.label, value: r.sent, display: formatCount(r.sent) }))}
        />
        <DataTable
          caption="Messages per flow"
          csvName="messaging-flows"
          headers={HEADERS}
          rows={byFlow.current.rows.map(shown)}
          csvRows={byFlow.current.rows.map(raw)}
        />
        <h2>Read rate per day</h2>
        <DailyRate report={daily} kind="read" />
        <h2>Per template</h2>
        <DataTable
          caption="Messages per template"
          csvName="messaging-templates"
          headers={HEADERS}
          rows={byTemplate.current.rows.map(shown)}
          csvRows={byTemplate.current.rows.map(raw)}
        />
        <h2>Failures by error code</h2>
        <DataTable
          caption="Failed messages by WhatsApp error code"
          csvName="messaging-failures"
          headers={['Error code', 'Failed', 'Previous period']}
          rows={failures.map((r) => [
            r.key,
            formatCount(r.failed),
            formatCount(byError.previous.rows.find((p) => p.key === r.key)?.failed ?? 0),
          ])}
          csvRows={failures.map((r) => [r.key, r.failed, byError.previous.rows.find((p) => p.key === r.key)?.failed ?? 0])}
        />
      </section>
      <section className={styles.report} aria-label="Cost figures">
        <h2>What WhatsApp costs</h2>
        <dl className={styles.kpis}>
          <Kpi label="Cost" value={formatMoney(c.total, c.currency)} current={c.total} previous={cost.previous.total} lowerIsBetter />
          <Kpi
            label="Per delivered message"
            value={formatMoney(c.costPerMessage, c.currency)}
            current={c.costPerMessage}
            previous={cost.previous.costPerMessage}
            lowerIsBetter
          />
          <Kpi
            label="Per converted customer"
            value={formatMoney(c.costPerConversion, c.currency)}
            current={c.costPerConversion}
            previous={cost.previous.costPerConversion}
            lowerIsBetter
            detail={`${formatCount(c.converted)} conversions`}
          />
        </dl>
        <DataTable
          caption="Cost per Meta pricing category and country (delivered messages × the price table)"
          csvName="cost"
          headers={['Category', 'Country', 'Delivered', 'Price each', 'Cost']}
          rows={c.lines.map((l) => [
            l.category,
            l.country || 'unknown',
            formatCount(l.delivered),
            l.unitPrice === null ? 'no price set' : formatMoney(l.unitPrice, l.currency),
            formatMoney(l.cost, l.currency),
          ])}
          csvRows={c.lines.map((l) => [l.category, l.country, l.delivered, l.unitPrice, l.cost])}
        />
        <p className={styles.note}>
          Prices come from the price table an admin edits below the report; Meta&apos;s invoice is the reference.
        </p>
      </section>
    </>
  );
}
