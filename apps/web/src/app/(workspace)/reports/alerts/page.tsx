import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { ErrorNotice } from '@/components/error-notice';
import { wordAlertSchema } from '@/components/reports/word-alert-schema';
import { WordAlertsEditor } from '@/components/reports/word-alerts-editor';
import { readFromEngine } from '@/lib/engine-server';

export const metadata: Metadata = { title: 'Watched words' };

export default async function WordAlertsPage() {
  const alerts = await readFromEngine('/api/reports/word-alerts', z.object({ data: z.array(wordAlertSchema) }));
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Watched words</h1>
          <p className="page-subtitle">
            A word&rsquo;s share of customer messages over the last days, e.g. &ldquo;discount&rdquo; under 8% during a promotion. Checked
            every minute from the reports&rsquo; counts; when a share passes its threshold the admins get one notification, and another only
            after it has come back and passed again. <Link href="/reports/traffic">Words report</Link>
          </p>
        </div>
      </div>
      {alerts.ok ? <WordAlertsEditor alerts={alerts.data.data} /> : <ErrorNotice problem={alerts.problem} />}
    </div>
  );
}
