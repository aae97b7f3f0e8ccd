import type { Metadata } from 'next';
import Link from 'next/link';
import { ErrorNotice } from '@/components/error-notice';
import { readFromEngine } from '@/lib/engine-server';
import { weeklyListSchema } from '@/lib/reports/report-schemas';
import { WeeklyDeliverySettings } from '@/components/reports/weekly-delivery-settings';
import { reportsOfSettingsSchema, weeklyDeliveriesSchema } from '@/lib/reports/weekly-delivery';
import { formatTimestamp } from '@/lib/format-timestamp';

export const metadata: Metadata = { title: 'Weekly reports' };

export default async function WeeklyReportsPage() {
  const [list, deliveries, settings] = await Promise.all([
    readFromEngine('/api/reports/weekly', weeklyListSchema),
    // Admins only (others get 403, and see no settings or deliveries).
    readFromEngine('/api/reports/weekly/deliveries', weeklyDeliveriesSchema),
    readFromEngine('/api/workspace/settings', reportsOfSettingsSchema),
  ]);
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
      {deliveries.ok && settings.ok ? (
        <>
          <h2>Schedule and delivery</h2>
          <WeeklyDeliverySettings settings={settings.data.reports} signingKey={deliveries.data.signingKey} />
          <h2>Deliveries</h2>
          {deliveries.data.data.length === 0 ? (
            <p>No delivery yet.</p>
          ) : (
            <table className="table" aria-label="Weekly report deliveries">
              <thead>
                <tr>
                  <th scope="col">Week</th>
                  <th scope="col">URL</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Next attempt or delivered</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.data.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">{d.weekStart}</th>
                    <td>{d.url}</td>
                    <td>{d.status}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastError ?? (d.lastStatus !== null ? String(d.lastStatus) : '—')}</td>
                    <td>{d.deliveredAt ? formatTimestamp(d.deliveredAt) : d.nextAttemptAt ? formatTimestamp(d.nextAttemptAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </div>
  );
}
