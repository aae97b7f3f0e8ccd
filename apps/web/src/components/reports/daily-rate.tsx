import { DataTable } from './data-table';
import { LineChart } from './line-chart';
import { formatCount, formatPercent } from '@/lib/reports/report-format';
import type { DailyReport } from '@/lib/reports/report-schemas';

type Day = DailyReport['current']['days'][number];

/** The two per-day rates the reports draw: read rate (messaging) and conversion rate (funnel). */
const KINDS = {
  read: {
    name: 'Read rate',
    rate: (d: Day) => d.readRate,
    counts: ['Delivered', 'Read'],
    values: (d: Day) => [d.delivered, d.read],
    csvName: 'messaging-read-rate-days',
  },
  conversion: {
    name: 'Conversion rate',
    rate: (d: Day) => d.conversionRate,
    counts: ['Sent', 'Converted'],
    values: (d: Day) => [d.sent, d.converted],
    csvName: 'funnel-conversion-days',
  },
} as const;

/** A rate in percent, one decimal, for the chart (whose axis is numbers); null stays a gap. */
function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

/**
 * A rate per local day of the range with the previous period's dashed against
 * the same steps (day 1, day 2 …), and its table view with CSV (raw counts and
 * rates as fractions, like every report CSV).
 */
export function DailyRate({ report, kind }: { report: DailyReport; kind: keyof typeof KINDS }) {
  const k = KINDS[kind];
  const { current, previous } = report;
  return (
    <>
      <LineChart
        title={`${k.name} per day (%), this period and the previous one`}
        steps={current.days.map((d) => d.day)}
        series={[
          { label: `${k.name}, this period`, values: current.days.map((d) => percent(k.rate(d))) },
          { label: 'Previous period', values: previous.days.map((d) => percent(k.rate(d))), dashed: true },
        ]}
      />
      <DataTable
        caption={`${k.name} per day (${current.timeZone}), with the same day of the previous period`}
        csvName={k.csvName}
        headers={['Day', ...k.counts, k.name, 'Previous period: day', ...k.counts, k.name]}
        rows={current.days.map((d, i) => {
          const p = previous.days[i];
          return [
            d.day,
            ...k.values(d).map(formatCount),
            formatPercent(k.rate(d)),
            p?.day ?? '—',
            ...(p ? k.values(p).map(formatCount) : k.counts.map(() => '—')),
            p ? formatPercent(k.rate(p)) : '—',
          ];
        })}
        csvRows={current.days.map((d, i) => {
          const p = previous.days[i];
          return [d.day, ...k.values(d), k.rate(d), p?.day ?? null, ...(p ? k.values(p) : k.counts.map(() => null)), p ? k.rate(p) : null];
        })}
      />
    </>
  );
}
