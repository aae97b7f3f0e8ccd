import type { Metadata } from 'next';
import Link from 'next/link';
import { ErrorNotice } from '@/components/error-notice';
import { FlowList } from '@/components/flow-list';
import { readFromEngine } from '@/lib/engine-server';
import { flowListResponseSchema } from '@/lib/flow-summary';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Flows' };

function flowCount(count: number): string {
  return count === 1 ? '1 flow' : `${count} flows`;
}

export default async function FlowsPage() {
  const [flows, me] = await Promise.all([
    readFromEngine('/api/flows', flowListResponseSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
  ]);
  const canCreate = me.ok && me.data.user.role !== 'support';
  const active = flows.ok ? flows.data.data.filter((flow) => flow.archivedAt === null).length : 0;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Flows</h1>
          <p className="page-subtitle">Automations that answer and follow up your customers on WhatsApp.</p>
        </div>
        {flows.ok && active > 0 ? <p className="page-count">{flowCount(active)}</p> : null}
        {canCreate ? (
          <Link className="button button-primary" href="/flows/new">
            New flow
          </Link>
        ) : null}
      </div>
      {flows.ok ? <FlowList flows={flows.data.data} now={new Date()} canEdit={canCreate} /> : <ErrorNotice problem={flows.problem} />}
    </div>
  );
}
