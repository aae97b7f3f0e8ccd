import Link from 'next/link';
import type { FlowSummary } from '@/lib/flow-summary';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { formatTimestamp } from '@/lib/format-timestamp';
import styles from './flow-header.module.css';
import { FlowStatusBadge } from './flow-status-badge';

interface FlowHeaderProps {
  flow: FlowSummary;
}

export function FlowHeader({ flow }: FlowHeaderProps) {
  const published = flow.publishedVersion;
  return (
    <div className={styles.header}>
      <nav aria-label="Breadcrumb">
        <ol className={styles.breadcrumb}>
          <li>
            <Link href="/flows">Flows</Link>
          </li>
          <li aria-current="page">{flow.name}</li>
        </ol>
      </nav>
      <div className={styles.titleRow}>
        <h1 className={styles.title}>{flow.name}</h1>
        <FlowStatusBadge flow={flow} />
        <span className={`badge badge-plain ${styles.readOnly}`}>Read-only view</span>
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>Published version</dt>
          <dd>
            {published ? (
              <>
                v{published.version}, published{' '}
                <time dateTime={published.publishedAt} title={formatTimestamp(published.publishedAt)}>
                  {formatRelativeTime(published.publishedAt)}
                </time>
              </>
            ) : (
              'Not published yet'
            )}
          </dd>
        </div>
        <div>
          <dt>Draft</dt>
          <dd>
            Revision {flow.revision}, saved{' '}
            <time dateTime={flow.updatedAt} title={formatTimestamp(flow.updatedAt)}>
              {formatRelativeTime(flow.updatedAt)}
            </time>
          </dd>
        </div>
        {flow.description ? (
          <div className={styles.description}>
            <dt>Description</dt>
            <dd>{flow.description}</dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}
