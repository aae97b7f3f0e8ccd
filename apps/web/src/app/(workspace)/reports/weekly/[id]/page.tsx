import type { Metadata } from 'next';
import Link from 'next/link';
import { ErrorNotice } from '@/components/error-notice';
import { DataTable } from '@/components/reports/data-table';
import { FunnelBody } from '@/components/reports/funnel-body';
import { Kpi } from '@/components/reports/kpi';
import { PrintButton } from '@/components/reports/print-button';
import styles from '@/components/reports/reports.module.css';
import { ServiceBody } from '@/components/reports/service-body';
import { readFromEngine } from '@/lib/engine-server';
import { formatCount, formatMoney, formatPercent, WEEKDAYS } from '@/lib/reports/report-format';
import { weeklyReportSchema } from '@/lib/reports/report-schemas';

export const metadata: Metadata = { title: 'Weekly report' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function WeeklyReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const weekly = await readFromEngine(`/api/reports/weekly/${UUID.test(id) ? id : 'not-an-id'}`, weeklyReportSchema, {
    notFoundPage: true,
  });
  if (!weekly.ok) {
    return (
      <div className="page">
        <ErrorNotice problem={weekly.problem} />
      </div>
    );
  }
  const { content, weekStart } = weekly.data;
  const messaging = content.messaging.current;
  const cost = content.cost.current;
  const busiest = [...content.traffic.current.cells].sort((a, b) => b.inbound - a.inbound).slice(0, 5);
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <h1>Weekly report: week of {weekStart}</h1>
          <p className="page-subtitle">
            Compared with the week before. <Link href="/reports/weekly">All weekly reports</Link>
          </p>
        </div>
        <div className={styles.noPrint}>
          <PrintButton />
        </div>
      </div>
      <h2>Service efficiency</h2>
      <ServiceBody report={content.service} />
      <h2>Sales funnel</h2>
      <FunnelBody report={content.funnel} flowChosen={null} />
      <section className={styles.report} aria-label="Messaging and cost figures">
        <h2>Messaging and cost</h2>
        <dl className={styles.kpis}>
          <Kpi
            label="Sent"
            value={formatCount(messaging.totals.sent)}
            current={messaging.totals.sent}
            previous={content.messaging.previous.totals.sent}
          />
          <Kpi
            label="Read rate"
            value={formatPercent(messaging.totals.readRate)}
            current={messaging.totals.readRate}
            previous={content.messaging.previous.totals.readRate}
          />
          <Kpi
            label="Cost"
            value={formatMoney(cost.total, cost.currency)}
            current={cost.total}
            previous={content.cost.previous.total}
            lowerIsBetter
          />
          <Kpi
            label="Per delivered message"
            value={formatMoney(cost.costPerMessage, cost.currency)}
            current={cost.costPerMessage}
            previous={content.cost.previous.costPerMessage}
            lowerIsBetter
          />
        </dl>
        <DataTable
          caption="Messages per flow"
          csvName={`weekly-${weekStart}-messaging`}
          headers={['Flow', 'Sent', 'Delivered', 'Read', 'Failed', 'Replied', 'Converted']}
          rows={messaging.rows.map((r) => [
            r.label,
            formatCount(r.sent),
            formatCount(r.delivered),
            formatCount(r.read),
            formatCount(r.failed),
            formatCount(r.replied),
            formatCount(r.converted),
          ])}
          csvRows={messaging.rows.map((r) => [r.label, r.sent, r.delivered, r.read, r.failed, r.replied, r.converted])}
        />
        <DataTable
          caption="Cost per Meta pricing category and country"
          csvName={`weekly-${weekStart}-cost`}
          headers={['Category', 'Country', 'Delivered', 'Cost']}
          rows={cost.lines.map((l) => [l.category, l.country || 'unknown', formatCount(l.delivered), formatMoney(l.cost, l.currency)])}
          csvRows={cost.lines.map((l) => [l.category, l.country, l.delivered, l.cost])}
        />
      </section>
      <section className={styles.report} aria-label="Traffic figures">
        <h2>Busiest hours ({content.traffic.current.timeZone})</h2>
        <DataTable
          caption="Busiest hours of the week"
          csvName={`weekly-${weekStart}-busiest`}
          headers={['Hour', 'Customer messages']}
          rows={busiest.map((c) => [`${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`, formatCount(c.inbound)])}
          csvRows={busiest.map((c) => [`${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00`, c.inbound])}
        />
      </section>
    </div>
  );
}
