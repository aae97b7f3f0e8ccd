import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { readFromEngine } from '@/lib/engine-server';
import { executionListSchema } from '@/lib/execution-view';
import { describeCustomer, describeError, describeVersion } from '@/lib/describe-execution';
import { describeStatus } from '@/lib/describe-status';
import { formatTimestampSeconds } from '@/lib/format-timestamp';
import { isFlowId, loadFlow } from '@/lib/load-flow';
import styles from './executions.module.css';

export const metadata: Metadata = { title: 'Executions' };

interface ExecutionsPageProps {
  params: Promise<{ id: string }>;
}

export default async function ExecutionsPage({ params }: ExecutionsPageProps) {
  const { id } = await params;
  if (!isFlowId(id)) notFound();
  const [flow, executions] = await Promise.all([
    loadFlow(id),
    readFromEngine(`/api/executions?flowId=${encodeURIComponent(id)}&limit=100`, executionListSchema),
  ]);
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <nav aria-label="Breadcrumb">
            <Link href="/flows">Flows</Link> / <Link href={`/flows/${id}`}>{flow.ok ? flow.data.name : 'Flow'}</Link>
          </nav>
          <h1>Executions</h1>
          <p className="page-subtitle">Every run of this flow, newest first. Open one to replay it on the canvas.</p>
        </div>
      </div>
      {!executions.ok ? <ErrorNotice problem={executions.problem} /> : null}
      {executions.ok && executions.data.data.length === 0 ? <p>This flow has not run yet.</p> : null}
      {executions.ok && executions.data.data.length > 0 ? (
        <table className="table" aria-label="Executions">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Customer</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {executions.data.data.map((execution) => (
              <tr key={execution.id}>
                <td>
                  <time dateTime={execution.startedAt}>{formatTimestampSeconds(execution.startedAt)}</time>
                </td>
                <td>{describeCustomer(execution.contact)}</td>
                <td>{describeVersion(execution.version)}</td>
                <td>
                  {describeStatus(execution.status, execution.endedReason)}
                  {execution.testMode ? (
                    <>
                      {' '}
                      <span className="badge badge-plain">Test run</span>
                    </>
                  ) : null}
                </td>
                <td className={styles.error}>{describeError(execution)}</td>
                <td>
                  <Link href={`/flows/${id}/executions/${execution.id}`}>
                    Replay execution from {formatTimestampSeconds(execution.startedAt)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
