import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { ReportFrame } from '@/components/reports/report-frame';
import { funnelReportSchema } from '@/lib/reports/report-schemas';
import { FunnelBody } from '@/components/reports/funnel-body';
import { loadReport, previousLabel } from '@/lib/reports/load-report';

export const metadata: Metadata = { title: 'Sales funnel' };

export default async function FunnelReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const data = await loadReport('/api/reports/funnel', funnelReportSchema, await searchParams);
  const report = data.report.ok ? data.report.data : null;
  return (
    <ReportFrame slug="funnel" {...data} previousLabel={previousLabel(report?.previousRange ?? null)}>
      {report ? (
        <FunnelBody report={report} flowChosen={data.params.flowId !== null} />
      ) : data.report.ok ? null : (
        <ErrorNotice problem={data.report.problem} />
      )}
    </ReportFrame>
  );
}
