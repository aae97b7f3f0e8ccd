'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { describeInterval } from '@/lib/crm/poll-cost';
import { callEngine } from '@/lib/editor/engine-client';
import {
  type CrmConnection,
  crmConnectionListSchema,
  crmConnectionSchema,
  type CrmHealth,
  crmHealthSchema,
  type CrmModeHealth,
  crmSyncSchema,
  crmTestSchema,
  PROVIDER_LABEL,
} from '@/lib/crm-views';
import styles from './crm.module.css';
import { CrmPollInterval } from './crm-poll-interval';
import { CrmSchedule } from './crm-schedule';
import { OutgoingWebhookCard } from './outgoing-webhook-card';

type Provider = CrmConnection['provider'];

const FIELDS: Record<
  Provider,
  {
    settings: { name: string; label: string; hint: string; placeholder: string }[];
    secrets: { name: string; label: string; optional?: boolean }[];
  }
> = {
  hubspot: {
    settings: [
      {
        name: 'baseUrl',
        label: 'API address',
        hint: 'https://api.hubapi.com, or the local HubSpot (http://127.0.0.1:3003)',
        placeholder: 'https://api.hubapi.com',
      },
    ],
    secrets: [
      { name: 'privateAppToken', label: 'Private app token' },
      // Signs HubSpot's webhook deliveries; without it changes arrive by polling alone.
      { name: 'clientSecret', label: 'App client secret (webhooks, optional)', optional: true },
    ],
  },
  salesforce: {
    settings: [
      {
        name: 'loginUrl',
        label: 'Login address',
        hint: 'https://login.salesforce.com, or the local Salesforce (http://127.0.0.1:3005)',
        placeholder: 'https://login.salesforce.com',
      },
    ],
    secrets: [
      { name: 'clientId', label: 'Consumer key' },
      { name: 'clientSecret', label: 'Consumer secret' },
      { name: 'refreshToken', label: 'Refresh token' },
    ],
  },
  zoho: {
    settings: [
      {
        name: 'accountsUrl',
        label: 'Accounts server of your data centre',
        hint: 'https://accounts.zoho.eu (.com, .in…), or the local Zoho (http://127.0.0.1:3004)',
        placeholder: 'https://accounts.zoho.eu',
      },
    ],
    secrets: [
      { name: 'clientId', label: 'Client id' },
      { name: 'clientSecret', label: 'Client secret' },
      { name: 'refreshToken', label: 'Refresh token' },
    ],
  },
};

function percent(value: number | null): string {
  return value === null ? 'no calls yet' : `${(value * 100).toFixed(1)} %`;
}

function millis(value: number | null): string {
  if (value === null) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function when(value: string | null): string {
  return value ? new Date(value).toLocaleString() : 'never';
}

function quotaText(quota: Record<string, unknown>): string {
  const remaining = quota['dailyRemaining'];
  const max = quota['dailyMax'];
  const made = quota['callsMade'];
  if (typeof remaining === 'number' && typeof max === 'number')
    return `${remaining.toLocaleString()} of ${max.toLocaleString()} left today`;
  if (typeof made === 'number') return `${made.toLocaleString()} calls made (the CRM does not report what is left)`;
  return 'not known yet';
}

function ModeMetric({ label, mode }: { label: string; mode: CrmModeHealth }) {
  return (
    <div className={styles.metric}>
      <dt>{label}</dt>
      <dd className={mode.belowGoal ? styles.bad : mode.successRate === null ? undefined : styles.good}>{percent(mode.successRate)}</dd>
      <dd className={styles.meta}>
        goal {percent(mode.goal)} · {mode.calls} calls in 24 h{mode.belowGoal ? ' · below goal' : ''}
      </dd>
    </div>
  );
}

/** /settings/crm: connect one CRM, test it, watch the sync's health and retry what failed. */
export function CrmSettings() {
  const [connection, setConnection] = useState<CrmConnection | null | undefined>(undefined);
  const [health, setHealth] = useState<CrmHealth | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'info'; text: string } | null>(null);
  const [provider, setProvider] = useState<Provider>('hubspot');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const list = await callEngine('/api/crm/connections', crmConnectionListSchema);
    if (!list.ok) {
      setMessage({ tone: 'error', text: list.message });
      setConnection(null);
      return;
    }
    const current = list.data.data[0] ?? null;
    setConnection(current);
    if (current) {
      const answer = await callEngine(`/api/crm/connections/${current.id}/health`, crmHealthSchema);
      setHealth(answer.ok ? answer.data : null);
    } else setHealth(null);
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [load]);

  async function connect(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const settings: Record<string, unknown> = {};
    for (const field of FIELDS[provider].settings) if (text(field.name)) settings[field.name] = text(field.name);
    if (provider === 'hubspot') settings['searchLagMs'] = 15_000;
    const secrets: Record<string, string> = {};
    for (const field of FIELDS[provider].secrets) {
      const value = text(field.name);
      if (value !== '' || !field.optional) secrets[field.name] = value;
    }
    setBusy(true);
    const answer = await callEngine('/api/crm/connections', crmConnectionSchema, {
      method: 'POST',
      body: JSON.stringify({ provider, name: text('name') || PROVIDER_LABEL[provider], settings, secrets }),
    });
    setBusy(false);
    if (!answer.ok) {
      setMessage({ tone: 'error', text: answer.message });
      return;
    }
    setMessage({ tone: 'info', text: `${PROVIDER_LABEL[provider]} connected. Test the connection, then sync.` });
    await load();
  }

  async function act(label: string, run: () => Promise<string>) {
    setBusy(true);
    try {
      setMessage({ tone: 'info', text: await run() });
    } catch (error) {
      setMessage({ tone: 'error', text: `${label}: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
      await load();
    }
  }

  const test = (id: string) =>
    act('Test', async () => {
      const answer = await callEngine(`/api/crm/connections/${id}/test`, crmTestSchema, { method: 'POST', body: '{}' });
      if (!answer.ok) throw new Error(answer.message);
      return answer.data.ok
        ? `Connection works (${answer.data.account ?? 'account'}).`
        : `Connection failed: ${answer.data.error ?? 'no reason given'}`;
    });
  const syncNow = (id: string) =>
    act('Sync', async () => {
      const answer = await callEngine(`/api/crm/connections/${id}/sync`, crmSyncSchema, { method: 'POST', body: '{}' });
      if (!answer.ok) throw new Error(answer.message);
      const d = answer.data;
      return d.ran
        ? `Synced: ${d.pulled} read from the CRM, ${d.pushed} sent, ${d.failed} failed, ${d.conflicts} conflicts for review.`
        : 'A sync is running already; it will finish by itself.';
    });
  const retry = (id: string, itemId?: string) =>
    act('Retry', async () => {
      const answer = await callEngine(`/api/crm/connections/${id}/retry`, z.object({ retried: z.number() }), {
        method: 'POST',
        body: JSON.stringify(itemId ? { itemId } : {}),
      });
      if (!answer.ok) throw new Error(answer.message);
      return `${answer.data.retried} change(s) will be sent again.`;
    });
  const setBatchTime = (id: string, batchAt: string) =>
    act('Nightly batch', async () => {
      const answer = await callEngine(`/api/crm/connections/${id}`, crmConnectionSchema, {
        method: 'PATCH',
        body: JSON.stringify({ batchAt }),
      });
      if (!answer.ok) throw new Error(answer.message);
      return `The nightly batch now runs at ${answer.data.batchAt}, workspace time.`;
    });
  const setPollInterval = (id: string, pollIntervalMs: number | null) =>
    act('Poll interval', async () => {
      const answer = await callEngine(`/api/crm/connections/${id}`, crmConnectionSchema, {
        method: 'PATCH',
        body: JSON.stringify({ pollIntervalMs }),
      });
      if (!answer.ok) throw new Error(answer.message);
      const d = answer.data;
      return d.pollIntervalMs === null
        ? `Salesforce is read at the installation default, every ${describeInterval(d.defaultPollIntervalMs)}.`
        : `Salesforce is now read every ${describeInterval(d.pollIntervalMs)}.`;
    });
  const disconnect = (id: string) =>
    act('Disconnect', async () => {
      if (!window.confirm('Disconnect this CRM? Its credentials, links and waiting changes are forgotten.')) return 'Nothing changed.';
      const answer = await callEngine(`/api/crm/connections/${id}`, z.unknown(), { method: 'DELETE' });
      if (!answer.ok) throw new Error(answer.message);
      return 'Disconnected.';
    });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>CRM</h1>
          <p className="page-subtitle">Keep your customers in step with HubSpot, Salesforce or Zoho CRM, both ways.</p>
        </div>
      </div>
      {message ? (
        <div
          className={`notice ${message.tone === 'error' ? 'notice-error' : ''} ${styles.status}`}
          role={message.tone === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      ) : null}
      {connection === undefined ? <p>Loading…</p> : null}
      {connection === null ? (
        <section className={styles.card} aria-labelledby="connect-heading">
          <h2 id="connect-heading">Connect a CRM</h2>
          <form className={styles.form} onSubmit={(event) => void connect(event)}>
            <div className={styles.field}>
              <label htmlFor="crm-provider">CRM</label>
              <select
                id="crm-provider"
                value={provider}
                onChange={(event) => setProvider(z.enum(['hubspot', 'salesforce', 'zoho']).parse(event.target.value))}
              >
                <option value="hubspot">HubSpot</option>
                <option value="salesforce">Salesforce</option>
                <option value="zoho">Zoho CRM</option>
              </select>
            </div>
            <div className={styles.field}>
              <label htmlFor="crm-name">Name</label>
              <input id="crm-name" name="name" placeholder={PROVIDER_LABEL[provider]} />
            </div>
            {FIELDS[provider].settings.map((field) => (
              <div className={styles.field} key={`${provider}-${field.name}`}>
                <label htmlFor={`crm-${field.name}`}>{field.label}</label>
                <input id={`crm-${field.name}`} name={field.name} placeholder={field.placeholder} required={provider !== 'hubspot'} />
                <span className={styles.hint}>{field.hint}</span>
              </div>
            ))}
            {FIELDS[provider].secrets.map((field) => (
              <div className={styles.field} key={`${provider}-${field.name}`}>
                <label htmlFor={`crm-${field.name}`}>{field.label}</label>
                <input id={`crm-${field.name}`} name={field.name} type="password" autoComplete="off" required={!field.optional} />
              </div>
            ))}
            <p className={styles.hint}>Secrets are stored encrypted and never shown again.</p>
            <div className={styles.actions}>
              <button className="button button-primary" type="submit" disabled={busy}>
                Connect
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {connection ? (
        <>
          <section className={styles.card} aria-labelledby="connection-heading">
            <h2 id="connection-heading">
              {connection.name} · {PROVIDER_LABEL[connection.provider]}
            </h2>
            <p className={styles.meta}>
              Connected {when(connection.createdAt)} · secrets held: {connection.secretsHeld.join(', ')} (hidden) · failed changes are tried{' '}
              {connection.maxAttempts} times, {Math.round(connection.retryDelayMs / 60000)} min apart
            </p>
            <div className={styles.actions}>
              <button className="button button-secondary" type="button" disabled={busy} onClick={() => void test(connection.id)}>
                Test connection
              </button>
              <button className="button button-secondary" type="button" disabled={busy} onClick={() => void syncNow(connection.id)}>
                Sync now
              </button>
              <button className="button button-danger" type="button" disabled={busy} onClick={() => void disconnect(connection.id)}>
                Disconnect
              </button>
            </div>
          </section>
          <CrmSchedule connection={connection} busy={busy} onSave={(batchAt) => setBatchTime(connection.id, batchAt)} />
          {connection.provider === 'salesforce' ? (
            <CrmPollInterval
              connection={connection}
              dailyMax={health && typeof health.quota['dailyMax'] === 'number' ? health.quota['dailyMax'] : null}
              busy={busy}
              onSave={(pollIntervalMs) => setPollInterval(connection.id, pollIntervalMs)}
            />
          ) : null}
          {health ? (
            <section className={styles.card} aria-labelledby="health-heading">
              <h2 id="health-heading">Sync health</h2>
              <dl className={styles.metrics}>
                <ModeMetric label="Real-time success" mode={health.realtime} />
                <ModeMetric label="Batch success" mode={health.batch} />
                <div className={styles.metric}>
                  <dt>Lag (p50 / p99)</dt>
                  <dd>
                    {millis(health.realtime.lagP50Ms)} / {millis(health.realtime.lagP99Ms)}
                  </dd>
                </div>
                <div className={styles.metric}>
                  <dt>Calls left in quota</dt>
                  <dd>{quotaText(health.quota)}</dd>
                </div>
                <div className={styles.metric}>
                  <dt>Waiting changes</dt>
                  <dd>{health.outbox.pending}</dd>
                  <dd className={styles.meta}>oldest {millis(health.outbox.oldestPendingAgeMs)}</dd>
                </div>
                <div className={styles.metric}>
                  <dt>Reading the CRM</dt>
                  <dd>{health.cursorPhase === 'initial' ? 'First full read' : 'Changes only'}</dd>
                  <dd className={styles.meta}>last read {when(health.lastPollAt)}</dd>
                </div>
              </dl>
              <p className={styles.status}>
                Last success: {when(health.lastSuccessAt)}.{' '}
                {health.lastError ? (
                  <span className={styles.bad}>
                    Last error ({when(health.lastErrorAt)}): {health.lastError}
                  </span>
                ) : (
                  'No error.'
                )}
              </p>
            </section>
          ) : null}
          {health && health.failures.length > 0 ? (
            <section className={styles.card} aria-labelledby="failures-heading">
              <h2 id="failures-heading">Failed changes ({health.outbox.failed})</h2>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Contact</th>
                    <th scope="col">Fields</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Error</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {health.failures.map((failure) => (
                    <tr key={failure.id}>
                      <td>{failure.contactName ?? failure.contactId}</td>
                      <td>{failure.fields.join(', ')}</td>
                      <td>{failure.attempts}</td>
                      <td>{failure.lastError}</td>
                      <td>
                        <button
                          className="button button-small button-secondary"
                          type="button"
                          disabled={busy}
                          onClick={() => void retry(connection.id, failure.id)}
                        >
                          Retry
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className={styles.actions}>
                <button className="button button-primary" type="button" disabled={busy} onClick={() => void retry(connection.id)}>
                  Retry all failed
                </button>
              </div>
            </section>
          ) : null}
        </>
      ) : null}
      <OutgoingWebhookCard />
    </div>
  );
}
