import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { ReportFrame } from '@/components/reports/report-frame';
import { dailyReportSchema, discountReportSchema, funnelReportSchema } from '@/lib/reports/report-schemas';
import { readFromEngine } from '@/lib/engine-server';
import { engineQuery } from '@/lib/reports/report-params';
import { FunnelBody } from '@/components/reports/funnel-body';
import { loadReport, previousLabel } from '@/lib/reports/load-report';

export const metadata: Metadata = { title: 'Sales funnel' };

export default async function FunnelReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const data = await loadReport('/api/reports/funnel', funnelReportSchema, await searchParams);
  const report = data.report.ok ? data.report.data : null;
  // Discount requests are no flow's: asked for only without a flow filter (the engine refuses flowId there).
  const discount =
    data.params.flowId === null
      ? await readFromEngine(`/api/reports/discount?${engineQuery(data.params, {}, true)}`, discountReportSchema)
      : null;
  const daily = await readFromEngine(`/api/reports/daily?${engineQuery(data.params)}`, dailyReportSchema);
  return (
    <ReportFrame slug="funnel" {...data} previousLabel={previousLabel(report?.previousRange ?? null)}>
      {report ? (
        <FunnelBody
          report={report}
          flowChosen={data.params.flowId !== null}
          discount={discount?.ok ? discount.data : null}
          daily={daily.ok ? daily.data : null}
        />
      ) : data.report.ok ? null : (
        <ErrorNotice problem={data.report.problem} />
      )}
    </ReportFrame>
  );
}
