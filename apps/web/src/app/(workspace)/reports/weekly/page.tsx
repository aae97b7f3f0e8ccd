import type { Metadata } from 'next';
import Link from 'next/link';
import { ErrorNotice } from '@/components/error-notice';
import { readFromEngine } from '@/lib/engine-server';
import { weeklyListSchema } from '@/lib/reports/report-schemas';

export const metadata: Metadata = { title: 'Weekly reports' };

export default async function WeeklyReportsPage() {
  const list = await readFromEngine('/api/reports/weekly', weeklyListSchema);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Weekly reports</h1>
          <p className="page-subtitle">
            Service efficiency, sales funnel and cost of each week, made on the day and hour set in the workspace settings (reports.weekly)
            and kept as they were. <Link href="/reports/service">Back to the reports</Link>
          </p>
        </div>
      </div>
      {list.ok ? (
        list.data.data.length === 0 ? (
          <p>No weekly report yet: the first one is made after the first full week.</p>
        ) : (
          <ul aria-label="Weekly reports">
            {list.data.data.map((w) => (
              <li key={w.id}>
                <Link href={`/reports/weekly/${w.id}`}>Week of {w.weekStart}</Link>
              </li>
            ))}
          </ul>
        )
      ) : (
        <ErrorNotice problem={list.problem} />
      )}
    </div>
  );
}
