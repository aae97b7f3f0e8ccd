import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import styles from '@/components/admin/admin.module.css';
import { ExecutionActions } from '@/components/admin/execution-actions';
import { ExecutionTimeline } from '@/components/admin/execution-timeline';
import { ZonedTime } from '@/components/admin/zoned-time';
import { ErrorNotice } from '@/components/error-notice';
import { describeCustomer, describeError, describeVersion } from '@/lib/describe-execution';
import { describeStatus } from '@/lib/describe-status';
import { readFromEngine } from '@/lib/engine-server';
import { executionWithSideEffectsSchema, versionDetailSchema } from '@/lib/execution-view';
import { describeDuration } from '@/lib/explorer-view';
import { isFlowId, loadFlow } from '@/lib/load-flow';
import { meResponseSchema } from '@/lib/session-user';
import { workspaceTimeZone } from '@/lib/workspace-time-zone';

export const metadata: Metadata = { title: 'Execution' };

export default async function ExecutionPage({ params }: { params: Promise<{ executionId: string }> }) {
  const { executionId } = await params;
  if (!isFlowId(executionId)) notFound();
  const [execution, version, me, timeZone] = await Promise.all([
    readFromEngine(`/api/executions/${executionId}`, executionWithSideEffectsSchema, { notFoundPage: true }),
    readFromEngine(`/api/executions/${executionId}/flow-version`, versionDetailSchema, { notFoundPage: true }),
    readFromEngine('/api/auth/me', meResponseSchema),
    workspaceTimeZone(),
  ]);
  if (!execution.ok) return <div className="page">{<ErrorNotice problem={execution.problem} />}</div>;
  const run = execution.data;
  const flow = await loadFlow(run.flowId);
  const parsed = version.ok ? parseFlowDocument(version.data.definition) : null;
  const names: Record<string, string> = {};
  if (parsed?.ok) for (const node of parsed.document.nodes) names[node.id] = node.label ?? node.id;
  const role = me.ok ? me.data.user.role : null;
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <nav aria-label="Breadcrumb">
            <Link href="/executions">Executions</Link> / {flow.ok ? flow.data.name : 'Flow'}
          </nav>
          <h1>
            Execution: {describeStatus(run.status, run.endedReason)}
            {run.stuck ? (
              <>
                {' '}
                <span className={`badge ${styles.stuck}`}>Stuck</span>
              </>
            ) : null}
            {run.testMode ? (
              <>
                {' '}
                <span className="badge badge-plain">Test run</span>
              </>
            ) : null}
          </h1>
          <p className="page-subtitle">
            {flow.ok ? flow.data.name : 'Flow'} · {describeVersion(run.version)} · {describeCustomer(run.contact)} · started{' '}
            <ZonedTime iso={run.startedAt} timeZone={timeZone} /> · {describeDuration(run.startedAt, run.finishedAt)}
          </p>
          {run.errorCode || run.errorMessage ? <p className="notice notice-error">Error {describeError(run)}</p> : null}
        </div>
      </div>
      <div className={styles.toolbar}>
        <Link className="button button-secondary" href={`/flows/${run.flowId}/executions/${run.id}`}>
          Open on canvas
        </Link>
        {role === 'admin' || role === 'marketer' ? (
          <ExecutionActions
            id={run.id}
            status={run.status}
            version={run.version?.kind === 'published' ? run.version.number : null}
            latestVersion={flow.ok && !run.testMode ? (flow.data.publishedVersion?.version ?? null) : null}
            canSkipWait={run.testMode && run.status === 'waiting' && run.pendingWait !== null}
          />
        ) : null}
      </div>
      <h2>Step timeline</h2>
      <ExecutionTimeline steps={run.steps} names={names} sideEffects={run.sideEffects} />
    </div>
  );
}
