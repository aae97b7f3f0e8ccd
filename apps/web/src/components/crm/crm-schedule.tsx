'use client';

import { type FormEvent, useEffect, useState } from 'react';
import type { CrmConnection } from '@/lib/crm-views';
import styles from './crm.module.css';

interface CrmScheduleProps {
  connection: CrmConnection;
  busy: boolean;
  onSave(batchAt: string): Promise<void>;
}

/** The connection's nightly batch time (editable) and where HubSpot's webhooks or Zoho's notifications go. */
export function CrmSchedule({ connection, busy, onSave }: CrmScheduleProps) {
  const [draft, setDraft] = useState(connection.batchAt);
  // The page reloads the connection every few seconds: only a saved change replaces what the admin is typing.
  useEffect(() => setDraft(connection.batchAt), [connection.batchAt]);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    await onSave(draft);
  }

  return (
    <section className={styles.card} aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Nightly batch and webhooks</h2>
      <form className={styles.form} onSubmit={(event) => void save(event)}>
        <div className={styles.field}>
          <label htmlFor="crm-batch-at">Nightly batch at</label>
          <input
            id="crm-batch-at"
            type="time"
            step={60}
            required
            value={draft}
            aria-describedby="crm-batch-hint"
            onChange={(event) => setDraft(event.target.value)}
          />
          <span id="crm-batch-hint" className={styles.hint}>
            In the workspace&apos;s time zone. Once a day Parley reads again everything changed in the CRM since the last batch, in case a
            webhook or a poll missed it. Next run:{' '}
            {connection.nextBatchAt ? new Date(connection.nextBatchAt).toLocaleString() : 'set by the next sync round'}.
          </span>
        </div>
        <div className={styles.actions}>
          <button className="button button-secondary" type="submit" disabled={busy || draft === connection.batchAt || draft === ''}>
            Save batch time
          </button>
        </div>
      </form>
      {connection.provider === 'zoho' && connection.webhookPath ? (
        <div className={`${styles.field} ${styles.webhookTarget}`}>
          <span id="crm-zoho-notify-label">Zoho notifications</span>
          <code aria-labelledby="crm-zoho-notify-label">{connection.webhookPath}</code>
          <span className={styles.hint} role="status" aria-label="Zoho notification channel">
            {connection.notifyUntil
              ? `Subscribed until ${new Date(connection.notifyUntil).toLocaleString()}; renewed by the sync, so Zoho changes arrive as they happen.`
              : connection.notifyError
                ? `Subscribing failed (${connection.notifyError}); tried again in 15 minutes. Changes arrive by polling meanwhile.`
                : 'Not subscribed: Parley needs a public address Zoho can reach (PUBLIC_URL or the connection’s notifyBaseUrl). Changes arrive by polling.'}
          </span>
        </div>
      ) : null}
      {connection.provider === 'hubspot' && connection.webhookPath ? (
        <div className={`${styles.field} ${styles.webhookTarget}`}>
          <span id="crm-webhook-label">HubSpot webhook target</span>
          <code aria-labelledby="crm-webhook-label">{connection.webhookPath}</code>
          <span className={styles.hint}>
            In your HubSpot app&apos;s webhook settings, set the target URL to Parley&apos;s public address followed by this path, and
            subscribe to contact changes.{' '}
            {connection.secretsHeld.includes('clientSecret')
              ? 'Deliveries are checked with the app client secret held here.'
              : 'No app client secret is held, so deliveries are refused and changes arrive by polling alone: reconnect with the secret to use webhooks.'}
          </span>
        </div>
      ) : null}
    </section>
  );
}
