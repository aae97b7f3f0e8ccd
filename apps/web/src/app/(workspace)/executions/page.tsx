import type { Metadata } from 'next';
import Link from 'next/link';
import { BulkActions } from '@/components/admin/bulk-actions';
import { HealthStrip } from '@/components/admin/health-strip';
import { SavedViews } from '@/components/admin/saved-views';
import styles from '@/components/admin/admin.module.css';
import { ZonedTime } from '@/components/admin/zoned-time';
import { ErrorNotice } from '@/components/error-notice';
import { describeCustomer, describeError, describeVersion } from '@/lib/describe-execution';
import { describeStatus } from '@/lib/describe-status';
import { readFromEngine } from '@/lib/engine-server';
import { engineFilter, explorerQuery, RANGE_PRESETS, readExplorerFilter } from '@/lib/explorer-filter';
import { describeDuration, explorerPageSchema, healthSchema, parkedWebhooksSchema, savedViewListSchema } from '@/lib/explorer-view';
import { flowListResponseSchema } from '@/lib/flow-summary';
import { meResponseSchema } from '@/lib/session-user';
import { describeTimeZone } from '@/lib/describe-time-zone';
import { workspaceTimeZone } from '@/lib/workspace-time-zone';

export const metadata: Metadata = { title: 'Executions' };

type SearchParams = Record<string, string | string[] | undefined>;

const STATUSES = ['running', 'waiting', 'held', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;

export default async function ExplorerPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filter = readExplorerFilter(params);
  const cursorParam = params['cursor'];
  const cursor = typeof cursorParam === 'string' && /^[\w-]{1,200}$/.test(cursorParam) ? cursorParam : null;
  // The zone first: custom times and "today" / "this week" are read in it.
  const timeZone = await workspaceTimeZone();
  const forEngine = engineFilter(filter, new Date(), timeZone);
  const listQuery = new URLSearchParams({ ...forEngine, limit: '50', ...(cursor ? { cursor } : {}) });
  const [page, health, flows, views, me, parked] = await Promise.all([
    readFromEngine(`/api/executions?${listQuery.toString()}`, explorerPageSchema),
    readFromEngine('/api/executions/health', healthSchema),
    readFromEngine('/api/flows', flowListResponseSchema),
    readFromEngine('/api/executions/views', savedViewListSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
    readFromEngine('/api/webhooks/parked', parkedWebhooksSchema),
  ]);
  const flowName = new Map(flows.ok ? flows.data.data.map((f) => [f.id, f.name]) : []);
  const query = explorerQuery(filter);
  const isAdmin = me.ok && me.data.user.role === 'admin';
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <h1>Executions</h1>
          <p className="page-subtitle">Every run of every flow, newest first. {describeTimeZone(timeZone)}</p>
        </div>
      </div>
      {health.ok ? (
        <HealthStrip health={health.data} parked={parked.ok ? parked.data.data : null} timeZone={timeZone} canActOnStuck={isAdmin} />
      ) : (
        <ErrorNotice problem={health.problem} />
      )}
      <form method="get" className={styles.filters} aria-label="Filter executions">
        <label className={styles.field}>
          Flow
          <select name="flowId" defaultValue={filter.flowId}>
            <option value="">All flows</option>
            {flows.ok
              ? flows.data.data.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))
              : null}
          </select>
        </label>
        <label className={styles.field}>
          Version id
          <input name="flowVersionId" defaultValue={filter.flowVersionId} placeholder="any" size={10} />
        </label>
        <label className={styles.field}>
          Status
          <select name="status" defaultValue={filter.status}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          Contact
          <input name="contact" defaultValue={filter.contact} placeholder="name or number" />
        </label>
        <label className={styles.field}>
          Error code
          <input name="errorCode" defaultValue={filter.errorCode} placeholder="e.g. 131047" size={10} />
        </label>
        <label className={styles.field}>
          Failed step
          <input name="failedStep" defaultValue={filter.failedStep} placeholder="step id" size={10} />
        </label>
        <label className={styles.field}>
          Time
          <select name="range" defaultValue={filter.range}>
            {RANGE_PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          From (custom, {timeZone})
          <input type="datetime-local" name="from" defaultValue={filter.from} />
        </label>
        <label className={styles.field}>
          To (custom, {timeZone})
          <input type="datetime-local" name="to" defaultValue={filter.to} />
        </label>
        <label className={styles.field}>
          Test runs
          <select name="testRuns" defaultValue={filter.testRuns}>
            <option value="">Included</option>
            <option value="exclude">Left out</option>
            <option value="only">Only test runs</option>
          </select>
        </label>
        <label className={styles.field}>
          Stuck only
          <select name="stuck" defaultValue={filter.stuck}>
            <option value="">No</option>
            <option value="true">Yes</option>
          </select>
        </label>
        <div className={styles.filterActions}>
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <Link href="/executions" className="button button-secondary">
            Clear
          </Link>
        </div>
      </form>
      {views.ok ? <SavedViews views={views.data.data} query={query} /> : null}
      {isAdmin && page.ok ? (
        <div className={styles.toolbar}>
          <span className={styles.muted}>For everything this filter matches:</span>
          <BulkActions
            filter={forEngine}
            latestVersion={flows.ok ? (flows.data.data.find((f) => f.id === filter.flowId)?.publishedVersion?.version ?? null) : null}
            candidates={page.data.data.map((e) => ({
              id: e.id,
              status: e.status,
              label: `${describeCustomer(e.contact)} · ${flowName.get(e.flowId) ?? 'flow'} · ${e.errorCode ?? e.status}`,
            }))}
          />
        </div>
      ) : null}
      {!page.ok ? <ErrorNotice problem={page.problem} /> : null}
      {page.ok && page.data.data.length === 0 ? <p>No execution matches these filters.</p> : null}
      {page.ok && page.data.data.length > 0 ? (
        <table className="table" aria-label="Executions">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Flow and version</th>
              <th scope="col">Contact</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Step</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {page.data.data.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link href={`/executions/${e.id}`} aria-label={`Open execution of ${describeCustomer(e.contact)} started ${e.startedAt}`}>
                    <ZonedTime iso={e.startedAt} timeZone={timeZone} />
                  </Link>
                </td>
                <td>
                  {flowName.get(e.flowId) ?? 'Deleted flow'}
                  <div className={styles.muted}>{describeVersion(e.version)}</div>
                </td>
                <td>{describeCustomer(e.contact)}</td>
                <td className={styles.muted}>{e.triggerEventId ? `event #${e.triggerEventId}` : 'manual'}</td>
                <td>
                  {describeStatus(e.status, e.endedReason)}
                  {e.stuck ? (
                    <>
                      {' '}
                      <span className={`badge ${styles.stuck}`} title="Nothing happened for 15 minutes past when it should have">
                        Stuck
                      </span>
                    </>
                  ) : null}
                  {e.holdReason ? <div className={styles.muted}>{e.holdReason}</div> : null}
                  {e.testMode ? (
                    <>
                      {' '}
                      <span className="badge badge-plain">Test run</span>
                    </>
                  ) : null}
                </td>
                <td>{describeDuration(e.startedAt, e.finishedAt)}</td>
                <td className={styles.step}>{e.currentNodeId ?? '—'}</td>
                <td className={styles.error}>{describeError(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav className={styles.pager} aria-label="Pages">
        {cursor ? (
          <Link className="button button-secondary" href={`/executions?${query}`}>
            Newest
          </Link>
        ) : null}
        {page.ok && page.data.nextCursor ? (
          <Link className="button button-secondary" href={`/executions?${query}${query ? '&' : ''}cursor=${page.data.nextCursor}`}>
            Older
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
