import Link from 'next/link';
import { describeRate, type Health, type ParkedWebhook } from '@/lib/explorer-view';
import styles from './admin.module.css';
import { BulkActions } from './bulk-actions';
import { ParkedWebhooks } from './parked-webhooks';

function trend(now: number | null, before: number | null): string {
  if (now === null || before === null) return 'no runs to compare';
  const delta = (now - before) * 100;
  if (Math.abs(delta) < 0.05) return 'same as the previous 24 h';
  return `${delta > 0 ? 'up' : 'down'} ${Math.abs(delta).toFixed(1)} points vs the previous 24 h`;
}

/** An active count; past the engine's cap it reads "10,000+" (stuck: "1,000+"; there are at least that many). */
function activeCount(health: Health, name: Health['capped'][number]): string {
  return `${health[name].toLocaleString('en')}${health.capped.includes(name) ? '+' : ''}`;
}

interface HealthStripProps {
  health: Health;
  /** The workspace's parked deliveries with their Replay action (admins); null shows the count only. */
  parked: ParkedWebhook[] | null;
  timeZone: string;
  /** Admins get "Cancel stuck…" on the strip itself: the count, a confirmation, the job. */
  canActOnStuck: boolean;
}

/** Runs, failures and what is active now, each a link to the executions it counts. */
export function HealthStrip({ health, parked, timeZone, canActOnStuck }: HealthStripProps) {
  return (
    <section aria-label="Health in the last 24 hours">
      <dl className={styles.strip}>
        <div className={styles.stat}>
          <dt>Runs (24 h)</dt>
          <dd>
            <Link className={styles.statValue} href="/executions?range=24h&testRuns=exclude">
              {health.runs.toLocaleString('en')}
            </Link>
            <span className={styles.statNote}>previous 24 h: {health.previous.runs.toLocaleString('en')}</span>
          </dd>
        </div>
        <div className={styles.stat}>
          <dt>Failures (24 h)</dt>
          <dd>
            <Link className={styles.statValue} href="/executions?range=24h&status=failed&testRuns=exclude">
              {health.failures.toLocaleString('en')}
            </Link>
            <span className={styles.statNote}>
              rate {describeRate(health.failureRate)}, {trend(health.failureRate, health.previous.failureRate)}
            </span>
          </dd>
        </div>
        <div className={styles.stat}>
          <dt>Waiting</dt>
          <dd>
            <Link className={styles.statValue} href="/executions?status=waiting">
              {activeCount(health, 'waiting')}
            </Link>
            <span className={styles.statNote}>running now: {activeCount(health, 'running')}</span>
          </dd>
        </div>
        <div className={styles.stat}>
          <dt>Held</dt>
          <dd>
            <Link className={styles.statValue} href="/executions?status=held">
              {activeCount(health, 'held')}
            </Link>
            <span className={styles.statNote}>paused by a takeover or pause</span>
          </dd>
        </div>
        <div className={styles.stat}>
          <dt>Stuck</dt>
          <dd>
            <Link className={styles.statValue} href="/executions?stuck=true">
              {activeCount(health, 'stuck')}
            </Link>
            <span className={styles.statNote}>active, nothing happened for {health.stuckAfterMinutes} min past due</span>
            {canActOnStuck ? (
              <BulkActions
                filter={{ stuck: 'true' }}
                candidates={[]}
                latestVersion={null}
                actions={['cancel']}
                buttonLabels={{ cancel: 'Cancel stuck…' }}
                setDescription="are stuck past their expected time"
                offer={health.stuck > 0}
              />
            ) : null}
          </dd>
        </div>
        <div className={styles.stat}>
          <dt>Parked webhooks</dt>
          <dd>
            <span className={styles.statValue}>{(parked ?? health.parkedWebhooks).length.toLocaleString('en')}</span>
            {parked ? (
              <ParkedWebhooks parked={parked} timeZone={timeZone} />
            ) : (
              <span className={styles.statNote}>deliveries given up after retries</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
