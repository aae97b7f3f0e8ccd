import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { ApiKeysAdmin } from '@/components/settings/api-keys-admin';
import styles from '@/components/settings/settings.module.css';
import { z } from 'zod';
import { readFromEngine } from '@/lib/engine-server';
import { flowListResponseSchema } from '@/lib/flow-summary';
import { apiKeysResponseSchema } from '@/lib/settings/api-keys';

/** The published flows that start on an incoming webhook, with their secret URLs. */
async function incomingWebhooks(): Promise<{ flowId: string; name: string; url: string }[]> {
  const flows = await readFromEngine('/api/flows', flowListResponseSchema);
  if (!flows.ok) return [];
  const published = flows.data.data.filter((flow) => flow.status === 'published' && flow.archivedAt === null);
  const urls = await Promise.all(
    published.map(async (flow) => {
      // 409 for a flow with another trigger: it has no URL.
      const answer = await readFromEngine(`/api/flows/${encodeURIComponent(flow.id)}/webhook`, z.object({ url: z.string() }));
      return answer.ok ? { flowId: flow.id, name: flow.name, url: answer.data.url } : null;
    }),
  );
  return urls.filter((hook) => hook !== null);
}

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysSettingsPage() {
  const [keys, hooks] = await Promise.all([readFromEngine('/api/api-keys', apiKeysResponseSchema), incomingWebhooks()]);
  return (
    <>
      <div className={styles.header}>
        <h1>API keys</h1>
        <p>Keys let your shop, CRM or connector post events to Parley. A key is shown once, when it is created.</p>
      </div>
      {keys.ok ? <ApiKeysAdmin keys={keys.data.data} hooks={hooks} /> : <ErrorNotice problem={keys.problem} />}
    </>
  );
}
