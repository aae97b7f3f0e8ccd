import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { FlowEditor } from '@/components/editor/flow-editor';
import { ErrorNotice } from '@/components/error-notice';
import { FlowHeader } from '@/components/flow-header';
import { readFromEngine } from '@/lib/engine-server';
import { LAYOUT_ON_OPEN } from '@/lib/editor/layout-on-open';
import { isFlowId, loadFlow } from '@/lib/load-flow';
import { nodeTypeListResponseSchema } from '@/lib/node-type-info';
import { meResponseSchema } from '@/lib/session-user';
import styles from './flow-page.module.css';

interface FlowPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: FlowPageProps): Promise<Metadata> {
  const { id } = await params;
  if (!isFlowId(id)) return { title: 'Flow not found' };
  const flow = await loadFlow(id);
  return { title: flow.ok ? flow.data.name : 'Flow' };
}

export default async function FlowPage({ params, searchParams }: FlowPageProps) {
  const { id } = await params;
  const query = await searchParams;
  if (!isFlowId(id)) notFound();
  const [flow, nodeTypes, me] = await Promise.all([
    loadFlow(id),
    readFromEngine('/api/node-types', nodeTypeListResponseSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
  ]);
  if (!flow.ok) {
    return (
      <div className="page">
        <ErrorNotice problem={flow.problem} />
      </div>
    );
  }
  if (!nodeTypes.ok) {
    return (
      <div className="page">
        <ErrorNotice problem={nodeTypes.problem} />
      </div>
    );
  }
  const parsed = parseFlowDocument(flow.data.definition);
  if (!parsed.ok) {
    return (
      <div className={styles.page}>
        <FlowHeader flow={flow.data} />
        <div className={styles.body}>
          <div className="notice notice-error" role="alert">
            <h2>This flow&apos;s draft cannot be displayed</h2>
            <p>The saved document is not a flow this version of Parley can read:</p>
            <ul className={styles.issues}>
              {parsed.issues.slice(0, 10).map((issue, index) => (
                <li key={`${issue.code}-${index}`}>{issue.message}</li>
              ))}
            </ul>
          </div>
        </div>
      </div>
    );
  }
  const published = flow.data.publishedVersion;
  const role = me.ok ? me.data.user.role : 'support';
  const mayEdit = role === 'admin' || role === 'marketer';
  return (
    <FlowEditor
      flowId={flow.data.id}
      flow={{
        name: flow.data.name,
        description: flow.data.description,
        revision: flow.data.revision,
        document: parsed.document,
        published: published ? { version: published.version, publishedAt: published.publishedAt } : null,
      }}
      nodeTypes={nodeTypes.data.data}
      editable={mayEdit && flow.data.archivedAt === null}
      archived={flow.data.archivedAt !== null ? { mayRestore: mayEdit } : null}
      layOutOnOpen={query[LAYOUT_ON_OPEN] === 'auto'}
    />
  );
}
