import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { ExecutionReplay } from '@/components/replay/execution-replay';
import { describeCustomer, describeError } from '@/lib/describe-execution';
import { describeExecutionOutcome } from '@/lib/editor/step-outcome';
import { readFromEngine } from '@/lib/engine-server';
import { executionDetailSchema, versionDetailSchema } from '@/lib/execution-view';
import { formatTimestampSeconds } from '@/lib/format-timestamp';
import { isFlowId, loadFlow } from '@/lib/load-flow';
import { nodeTypeListResponseSchema } from '@/lib/node-type-info';
import pageStyles from '../../flow-page.module.css';
import styles from './replay-page.module.css';

export const metadata: Metadata = { title: 'Execution replay' };

interface ReplayPageProps {
  params: Promise<{ id: string; executionId: string }>;
}

export default async function ReplayPage({ params }: ReplayPageProps) {
  const { id, executionId } = await params;
  if (!isFlowId(id) || !isFlowId(executionId)) notFound();
  const [execution, version, nodeTypes, flow] = await Promise.all([
    readFromEngine(`/api/executions/${executionId}`, executionDetailSchema, { notFoundPage: true }),
    // The exact version the execution ran: a published one, or the draft a test run froze.
    readFromEngine(`/api/executions/${executionId}/flow-version`, versionDetailSchema, { notFoundPage: true }),
    readFromEngine('/api/node-types', nodeTypeListResponseSchema),
    loadFlow(id),
  ]);
  if (!execution.ok || !nodeTypes.ok) {
    const problem = !execution.ok ? execution.problem : !nodeTypes.ok ? nodeTypes.problem : null;
    return <div className="page">{problem ? <ErrorNotice problem={problem} /> : null}</div>;
  }
  if (execution.data.flowId !== id) notFound();
  const run = execution.data;
  const parsed = version.ok ? parseFlowDocument(version.data.definition) : null;
  const ran =
    version.ok && version.data.kind === 'test'
      ? `Test run of draft revision ${version.data.version} (the draft as it was saved then)`
      : version.ok
        ? `Version ${version.data.version}`
        : null;
  const facts = [
    ran,
    `Started ${formatTimestampSeconds(run.startedAt)}`,
    run.contact ? `Customer: ${describeCustomer(run.contact)}` : null,
    run.errorCode || run.errorMessage ? `Error ${describeError(run)}` : null,
  ].filter((fact): fact is string => fact !== null);
  return (
    <div className={pageStyles.page}>
      <header className={styles.header}>
        <nav aria-label="Breadcrumb">
          <ol className={styles.breadcrumb}>
            <li>
              <Link href="/flows">Flows</Link>
            </li>
            <li>
              <Link href={`/flows/${id}`}>{flow.ok ? flow.data.name : 'Flow'}</Link>
            </li>
            <li>
              <Link href={`/flows/${id}/executions`}>Executions</Link>
            </li>
          </ol>
        </nav>
        <div className={styles.titleRow}>
          <h1 className={styles.title}>Execution replay</h1>
          <span className={styles.status} data-status={run.status}>
            Status: <strong>{describeExecutionOutcome(run)}</strong>
          </span>
        </div>
        <p className={styles.facts}>{facts.join(' · ')}</p>
      </header>
      {parsed?.ok ? (
        <ExecutionReplay document={parsed.document} execution={run} nodeTypes={nodeTypes.data.data} />
      ) : (
        <div className={pageStyles.body}>
          <p className="notice notice-warning">The flow version this execution ran could not be loaded, so its path cannot be drawn.</p>
        </div>
      )}
    </div>
  );
}
