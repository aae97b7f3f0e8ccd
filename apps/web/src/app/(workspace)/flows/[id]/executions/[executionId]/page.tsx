import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { ExecutionReplay } from '@/components/replay/execution-replay';
import { readFromEngine } from '@/lib/engine-server';
import { executionDetailSchema, versionDetailSchema } from '@/lib/execution-view';
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
  const [execution, version, nodeTypes] = await Promise.all([
    readFromEngine(`/api/executions/${executionId}`, executionDetailSchema, { notFoundPage: true }),
    // The exact version the execution ran: a published one, or the draft a test run froze.
    readFromEngine(`/api/executions/${executionId}/flow-version`, versionDetailSchema, { notFoundPage: true }),
    readFromEngine('/api/node-types', nodeTypeListResponseSchema),
  ]);
  if (!execution.ok || !nodeTypes.ok) {
    const problem = !execution.ok ? execution.problem : !nodeTypes.ok ? nodeTypes.problem : null;
    return <div className="page">{problem ? <ErrorNotice problem={problem} /> : null}</div>;
  }
  if (execution.data.flowId !== id) notFound();
  const parsed = version.ok ? parseFlowDocument(version.data.definition) : null;
  const published = version.ok && version.data.kind === 'published' ? version.data.version : null;
  return (
    <div className={styles.page}>
      <div className={styles.body}>
        <nav aria-label="Breadcrumb">
          <Link href="/flows">Flows</Link> / <Link href={`/flows/${id}`}>Flow</Link> /{' '}
          <Link href={`/flows/${id}/executions`}>Executions</Link>
        </nav>
        <h1>Execution replay</h1>
        <p>
          {execution.data.testMode ? 'Test run · ' : ''}Started {formatTimestamp(execution.data.startedAt)} · status{' '}
          <strong>{execution.data.status}</strong>
          {published !== null ? ` · version ${published}` : ''}
          {execution.data.errorCode ? ` · error ${execution.data.errorCode}: ${execution.data.errorMessage ?? ''}` : ''}
        </p>
        {version.ok && version.data.kind === 'test' ? (
          <p className="notice">
            This test run ran the draft as it was saved then (revision {version.data.version}), not a published version.
          </p>
        ) : null}
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
