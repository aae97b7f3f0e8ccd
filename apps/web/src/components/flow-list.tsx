import Link from 'next/link';
import type { FlowSummary } from '@/lib/flow-summary';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { formatTimestamp } from '@/lib/format-timestamp';
import { FlowActions } from './flow-actions';
import styles from './flow-list.module.css';
import { FlowStatusBadge } from './flow-status-badge';

interface FlowListProps {
  flows: readonly FlowSummary[];
  now: Date;
  /** Marketers and admins may archive, restore and delete. */
  canEdit: boolean;
}

function FlowRows({ flows, now, canEdit, label }: FlowListProps & { label: string }) {
  const newestFirst = [...flows].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  return (
    <ul className={styles.list} aria-label={label}>
      {newestFirst.map((flow) => (
        <li key={flow.id} className={styles.item}>
          <Link href={`/flows/${flow.id}`} className={styles.row}>
            <div className={styles.main}>
              <span className={styles.name}>{flow.name}</span>
              {flow.description ? (
                <span className={styles.description}>{flow.description}</span>
              ) : (
                <span className={`${styles.description} ${styles.noDescription}`}>No description</span>
              )}
            </div>
            <div className={styles.meta}>
              {flow.archivedAt ? <span className="badge badge-plain">Archived</span> : <FlowStatusBadge flow={flow} />}
              <span className={styles.updated}>
                {flow.archivedAt ? 'Archived' : 'Updated'}{' '}
                <time dateTime={flow.archivedAt ?? flow.updatedAt} title={formatTimestamp(flow.archivedAt ?? flow.updatedAt)}>
                  {formatRelativeTime(flow.archivedAt ?? flow.updatedAt, now)}
                </time>
              </span>
            </div>
            <span className={styles.chevron} aria-hidden="true">
              ›
            </span>
          </Link>
          {canEdit ? <FlowActions flow={flow} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function FlowList({ flows, now, canEdit }: FlowListProps) {
  const active = flows.filter((flow) => flow.archivedAt === null);
  const archived = flows.filter((flow) => flow.archivedAt !== null);
  return (
    <>
      {active.length === 0 ? (
        <div className={styles.empty}>
          <h2>No flows yet</h2>
          <p>Flows answer your customers on WhatsApp automatically. The flows of this workspace will be listed here.</p>
        </div>
      ) : (
        <FlowRows flows={active} now={now} canEdit={canEdit} label="Flows" />
      )}
      {archived.length > 0 ? (
        <details className={styles.archived}>
          <summary>Archived flows ({archived.length})</summary>
          <p className={styles.archivedNote}>
            Archived flows do not run. Their executions stay in the log; restore one to edit and publish it again.
          </p>
          <FlowRows flows={archived} now={now} canEdit={canEdit} label="Archived flows" />
        </details>
      ) : null}
    </>
  );
}
