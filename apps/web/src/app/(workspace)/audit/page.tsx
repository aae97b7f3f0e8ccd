import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { AuditDetails } from '@/components/admin/audit-details';
import styles from '@/components/admin/admin.module.css';
import { VerifyChainButton } from '@/components/admin/verify-chain-button';
import { ZonedTime } from '@/components/admin/zoned-time';
import { ErrorNotice } from '@/components/error-notice';
import { auditPageSchema } from '@/lib/audit-view';
import { describeAuditEntry } from '@/lib/describe-audit-entry';
import { readFromEngine } from '@/lib/engine-server';
import { describeTimeZone } from '@/lib/describe-time-zone';
import { workspaceTimeZone } from '@/lib/workspace-time-zone';
import { zonedWallTimeToIso } from '@parley/flow-core';

export const metadata: Metadata = { title: 'Audit trail' };

const usersSchema = z.object({ data: z.array(z.object({ id: z.string(), email: z.string(), displayName: z.string() })) });

const ACTION_KINDS = [
  { value: '', label: 'Any action' },
  { value: 'user.', label: 'Sign-ins and users' },
  { value: 'flow.', label: 'Flows' },
  { value: 'execution.', label: 'Retries and cancels' },
  { value: 'executions.', label: 'Bulk actions' },
  { value: 'automation.', label: 'Pauses and resumes' },
  { value: 'workspace.', label: 'Settings' },
  { value: 'api_key.', label: 'API keys' },
  { value: 'whatsapp_number.', label: 'Numbers and tokens' },
  { value: 'audit.', label: 'Exports' },
  { value: 'webhook.', label: 'Webhook replays' },
] as const;

type SearchParams = Record<string, string | string[] | undefined>;

function first(params: SearchParams, key: string): string {
  const value = params[key];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim().slice(0, 100);
}

/** Midnight starting `value` (or, with `end`, the day after it) in the workspace's time zone. */
function dayStart(value: string, end: boolean, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const day = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(day)) return null;
  return zonedWallTimeToIso(new Date(day + (end ? 86_400_000 : 0)).toISOString().slice(0, 10), timeZone);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filter = {
    actorUserId: first(params, 'actorUserId'),
    action: first(params, 'action'),
    subjectId: first(params, 'subjectId'),
    fromDay: first(params, 'fromDay'),
    toDay: first(params, 'toDay'),
  };
  const query = new URLSearchParams();
  if (filter.actorUserId) query.set('actorUserId', filter.actorUserId);
  if (filter.action) query.set('action', filter.action);
  if (filter.subjectId) query.set('subjectId', filter.subjectId);
  // The zone first: the day filters are days in it.
  const timeZone = await workspaceTimeZone();
  const from = dayStart(filter.fromDay, false, timeZone);
  const to = dayStart(filter.toDay, true, timeZone);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  const before = first(params, 'before');
  const pageQuery = new URLSearchParams(query);
  pageQuery.set('limit', '50');
  if (/^\d+$/.test(before)) pageQuery.set('before', before);
  const [entries, users] = await Promise.all([
    readFromEngine(`/api/audit?${pageQuery.toString()}`, auditPageSchema),
    readFromEngine('/api/users', usersSchema),
  ]);
  const keep = new URLSearchParams(Object.entries(filter).filter(([, v]) => v.length > 0));
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <h1>Audit trail</h1>
          <p className="page-subtitle">
            Every change by a person or an API key, newest first. Entries cannot be edited or deleted, and each carries the hash of the one
            before it. {describeTimeZone(timeZone)}
          </p>
        </div>
      </div>
      <form method="get" className={styles.filters} aria-label="Filter the audit trail">
        <label className={styles.field}>
          Who
          <select name="actorUserId" defaultValue={filter.actorUserId}>
            <option value="">Anyone</option>
            {users.ok
              ? users.data.data.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.displayName ? `${u.displayName} (${u.email})` : u.email}
                  </option>
                ))
              : null}
          </select>
        </label>
        <label className={styles.field}>
          What
          <select name="action" defaultValue={filter.action}>
            {ACTION_KINDS.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          Object id
          <input name="subjectId" defaultValue={filter.subjectId} placeholder="a flow, user or execution id" />
        </label>
        <label className={styles.field}>
          From (day, {timeZone})
          <input type="date" name="fromDay" defaultValue={filter.fromDay} />
        </label>
        <label className={styles.field}>
          To (day, {timeZone})
          <input type="date" name="toDay" defaultValue={filter.toDay} />
        </label>
        <div className={styles.filterActions}>
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <Link href="/audit" className="button button-secondary">
            Clear
          </Link>
        </div>
      </form>
      <div className={styles.toolbar}>
        <a className="button button-secondary" href={`/api/audit/export.csv?${query.toString()}`} download>
          Export CSV
        </a>
        <VerifyChainButton />
      </div>
      {!entries.ok ? <ErrorNotice problem={entries.problem} /> : null}
      {entries.ok && entries.data.data.length === 0 ? <p>No entry matches these filters.</p> : null}
      {entries.ok && entries.data.data.length > 0 ? (
        <table className="table" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">From where</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.data.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <ZonedTime iso={entry.createdAt} timeZone={timeZone} />
                </td>
                <td>{describeAuditEntry(entry)}</td>
                <td>
                  {entry.actorApiKey ? (
                    <>
                      API key “{entry.actorApiKey.name}”
                      <div className={styles.muted}>
                        {entry.actorApiKey.prefix ? `${entry.actorApiKey.prefix}…` : 'made before prefixes were kept'}
                      </div>
                    </>
                  ) : entry.actor ? (
                    <>
                      {entry.actor.name || entry.actor.email}
                      {entry.actor.name ? <div className={styles.muted}>{entry.actor.email}</div> : null}
                    </>
                  ) : (
                    <span className={styles.muted}>—</span>
                  )}
                </td>
                <td>
                  {entry.ip ?? '—'}
                  {entry.userAgent ? (
                    <div className={styles.muted} title={entry.userAgent}>
                      {entry.userAgent.slice(0, 40)}
                      {entry.userAgent.length > 40 ? '…' : ''}
                    </div>
                  ) : null}
                </td>
                <td>
                  <AuditDetails entry={entry} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {entries.ok && entries.data.nextBefore ? (
        <nav className={styles.pager} aria-label="Pages">
          <Link
            className="button button-secondary"
            href={`/audit?${new URLSearchParams([...keep, ['before', entries.data.nextBefore]]).toString()}`}
          >
            Older entries
          </Link>
        </nav>
      ) : null}
    </div>
  );
}
