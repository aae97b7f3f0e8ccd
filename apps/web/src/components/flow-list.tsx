import Link from 'next/link';
import type { FlowSummary } from '@/lib/flow-summary';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { formatTimestamp } from '@/lib/format-timestamp';
import styles from './flow-list.module.css';
import { FlowStatusBadge } from './flow-status-badge';

interface FlowListProps {
  flows: readonly FlowSummary[];
  now: Date;
}

export function FlowList({ flows, now }: FlowListProps) {
  if (flows.length === 0) {
    return (
      <div className={styles.empty}>
        <h2>No flows yet</h2>
        <p>Flows answer your customers on WhatsApp automatically. The flows of this workspace will be listed here.</p>
      </div>
    );
  }
  const newestFirst = [...flows].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  return (
    <ul className={styles.list} aria-label="Flows">
      {newestFirst.map((flow) => (
        <li key={flow.id}>
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
              <FlowStatusBadge flow={flow} />
              <span className={styles.updated}>
                Updated{' '}
                <time dateTime={flow.updatedAt} title={formatTimestamp(flow.updatedAt)}>
                  {formatRelativeTime(flow.updatedAt, now)}
                </time>
              </span>
            </div>
            <span className={styles.chevron} aria-hidden="true">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
