'use client';

import { type FormEvent, useEffect, useState } from 'react';
import { describeInterval, describePollCost } from '@/lib/crm/poll-cost';
import type { CrmConnection } from '@/lib/crm-views';
import styles from './crm.module.css';

interface CrmPollIntervalProps {
  connection: CrmConnection;
  /** The daily request allocation Salesforce last reported (Sforce-Limit-Info), when known. */
  dailyMax: number | null;
  busy: boolean;
  /** Saves the connection's own interval in ms, or null to go back to the installation's. */
  onSave(pollIntervalMs: number | null): Promise<void>;
}

/** The field is in seconds; the API keeps milliseconds. */
function secondsText(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

/**
 * Salesforce's own poll interval: polling is its only change feed here, so the interval bounds the CRM → Parley lag,
 * and every poll is a request of the org's daily allocation. The cost is shown beside the field as it is typed.
 */
export function CrmPollInterval({ connection, dailyMax, busy, onSave }: CrmPollIntervalProps) {
  const effective = connection.pollIntervalMs ?? connection.defaultPollIntervalMs;
  const [draft, setDraft] = useState(secondsText(effective));
  // The page reloads the connection every few seconds: only a saved change replaces what the admin is typing.
  useEffect(() => setDraft(secondsText(effective)), [effective]);

  const seconds = Number(draft);
  const valid = draft.trim() !== '' && Number.isFinite(seconds) && seconds >= 0.5 && seconds <= 86_400;
  const draftMs = valid ? Math.round(seconds * 1000) : null;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draftMs !== null) await onSave(draftMs);
  }

  return (
    <section className={styles.card} aria-labelledby="poll-heading">
      <h2 id="poll-heading">Reading Salesforce&apos;s changes</h2>
      <form className={styles.form} onSubmit={(event) => void save(event)}>
        <div className={styles.field}>
          <label htmlFor="crm-poll-interval">Poll every (seconds)</label>
          <input
            id="crm-poll-interval"
            type="number"
            min={0.5}
            max={86_400}
            step={0.1}
            required
            value={draft}
            aria-describedby="crm-poll-cost crm-poll-hint"
            aria-invalid={!valid}
            onChange={(event) => setDraft(event.target.value)}
          />
          <span id="crm-poll-cost" className={styles.hint} role="status" aria-label="Poll cost">
            {draftMs === null ? 'Enter 0.5 to 86,400 seconds.' : `Costs ${describePollCost(draftMs, dailyMax)}.`}
          </span>
          <span id="crm-poll-hint" className={styles.hint}>
            {connection.pollIntervalMs === null
              ? `Using the installation default, every ${describeInterval(connection.defaultPollIntervalMs)}.`
              : `This connection's own interval; the installation default is every ${describeInterval(connection.defaultPollIntervalMs)}.`}{' '}
            A change made in Salesforce reaches Parley within about one interval: every 1.5 s keeps it under 3 s.
          </span>
        </div>
        <div className={styles.actions}>
          <button
            className="button button-secondary"
            type="submit"
            disabled={busy || draftMs === null || draftMs === connection.pollIntervalMs}
          >
            Save poll interval
          </button>
          {connection.pollIntervalMs !== null ? (
            <button className="button button-secondary" type="button" disabled={busy} onClick={() => void onSave(null)}>
              Use the installation default
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
