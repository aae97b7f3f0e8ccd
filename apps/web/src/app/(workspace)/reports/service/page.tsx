import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { DemoDataButton } from '@/components/reports/demo-data-button';
import { ReportFrame } from '@/components/reports/report-frame';
import { serviceReportSchema } from '@/lib/reports/report-schemas';
import { ServiceBody } from '@/components/reports/service-body';
import { loadReport, previousLabel } from '@/lib/reports/load-report';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Service efficiency' };

export default async function ServiceReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const data = await loadReport('/api/reports/service', serviceReportSchema, await searchParams);
  const report = data.report.ok ? data.report.data : null;
  const agents = report ? report.current.agents.map((a) => ({ id: a.userId, label: a.name })) : [];
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  const empty = report !== null && report.current.summary.opened === 0 && report.current.agents.length === 0;
  return (
    <ReportFrame slug="service" {...data} agents={agents} previousLabel={previousLabel(report?.previousRange ?? null)}>
      {empty ? (
        <div className="notice notice-warning">
          <h2>No conversations in this period</h2>
          <p>Pick another range, or fill a new workspace with demo data to see what the reports show.</p>
          {me.ok && me.data.user.role === 'admin' ? (
            <div className="notice-actions">
              <DemoDataButton />
            </div>
          ) : null}
        </div>
      ) : null}
      {report ? <ServiceBody report={report} /> : data.report.ok ? null : <ErrorNotice problem={data.report.problem} />}
    </ReportFrame>
  );
}
