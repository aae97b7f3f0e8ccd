import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { ExecutionReplay } from '@/components/replay/execution-replay';
import { readFromEngine } from '@/lib/engine-server';
import { executionDetailSchema, versionDetailSchema, versionListSchema } from '@/lib/execution-view';
import { formatTimestamp } from '@/lib/format-timestamp';
import { isFlowId } from '@/lib/load-flow';
import { nodeTypeListResponseSchema } from '@/lib/node-type-info';
import styles from '../../flow-page.module.css';

export const metadata: Metadata = { title: 'Execution replay' };

interface ReplayPageProps {
  params: Promise<{ id: string; executionId: string }>;
}

export default async function ReplayPage({ params }: ReplayPageProps) {
  const { id, executionId } = await params;
  if (!isFlowId(id) || !isFlowId(executionId)) notFound();
  const [execution, versions, nodeTypes] = await Promise.all([
    readFromEngine(`/api/executions/${executionId}`, executionDetailSchema, { notFoundPage: true }),
    readFromEngine(`/api/flows/${id}/versions`, versionListSchema, { notFoundPage: true }),
    readFromEngine('/api/node-types', nodeTypeListResponseSchema),
  ]);
  if (!execution.ok || !versions.ok || !nodeTypes.ok) {
    const problem = !execution.ok ? execution.problem : !versions.ok ? versions.problem : !nodeTypes.ok ? nodeTypes.problem : null;
    return <div className="page">{problem ? <ErrorNotice problem={problem} /> : null}</div>;
  }
  if (execution.data.flowId !== id) notFound();
  // The execution ran a pinned published version: replay on that one, not on today's draft.
  const pinned = versions.data.data.find((v) => v.id === execution.data.flowVersionId);
  const version = pinned ? await readFromEngine(`/api/flows/${id}/versions/${pinned.version}`, versionDetailSchema) : null;
  const parsed = version?.ok ? parseFlowDocument(version.data.definition) : null;
  return (
    <div className={styles.page}>
      <div className={styles.body}>
        <nav aria-label="Breadcrumb">
          <Link href="/flows">Flows</Link> / <Link href={`/flows/${id}`}>Flow</Link> / <Link href={`/flows/${id}/executions`}>Executions</Link>
        </nav>
        <h1>Execution replay</h1>
        <p>
          Started {formatTimestamp(execution.data.startedAt)} · status <strong>{execution.data.status}</strong>
          {pinned ? ` · version ${pinned.version}` : ''}
          {execution.data.errorCode ? ` · error ${execution.data.errorCode}: ${execution.data.errorMessage ?? ''}` : ''}
        </p>
      </div>
      {parsed?.ok ? (
        <ExecutionReplay document={parsed.document} execution={execution.data} nodeTypes={nodeTypes.data.data} />
      ) : (
        <div className={styles.body}>
          <p className="notice notice-warning">The flow version this execution ran could not be loaded, so its path cannot be drawn.</p>
        </div>
      )}
    </div>
  );
}
