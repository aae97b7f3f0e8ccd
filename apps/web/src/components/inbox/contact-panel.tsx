'use client';

import Link from 'next/link';
import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import type { ConversationDetail } from '@/lib/inbox/inbox-api';
import { untilLabel, waitingFor } from '@/lib/inbox/inbox-time';
import styles from './inbox.module.css';

const CONSENT: Record<string, string> = { unknown: 'Not asked', opted_in: 'Agreed', opted_out: 'Refused' };
const PAUSE_CHOICES: { value: string; label: string; hours: number | null }[] = [
  { value: '1', label: '1 hour', hours: 1 },
  { value: '4', label: '4 hours', hours: 4 },
  { value: '12', label: '12 hours', hours: 12 },
  { value: '24', label: '24 hours', hours: 24 },
  { value: 'manual', label: 'Until I resume', hours: null },
];

interface PanelProps {
  detail: ConversationDetail | null;
  canWrite: boolean;
  now: Date;
  onChanged(): void;
}

/** The right pane: who the customer is, and who is talking to them — the bot or a person. */
export function ContactPanel({ detail, canWrite, now, onChanged }: PanelProps) {
  const [pauseFor, setPauseFor] = useState('12');
  const [problem, setProblem] = useState<string | null>(null);
  if (!detail) return <aside className={styles.panel} aria-label="Contact" />;
  const { contact, conversation } = detail;
  const pause = conversation.automation.pause;
  const held = detail.executions.filter((e) => e.status === 'held' || e.waiting?.kind === 'hold');

  const call = async (path: string, body: unknown = {}) => {
    const answer = await callEngine(path, z.unknown(), { method: 'POST', body: JSON.stringify(body) });
    setProblem(answer.ok ? null : answer.message);
    onChanged();
  };

  return (
    <aside className={styles.panel} aria-label="Contact">
      <section className={styles.panelSection} aria-labelledby="panel-contact">
        <h2 id="panel-contact" className={styles.panelTitle}>
          {contact.displayName ?? conversation.contact.name ?? 'Customer'}
        </h2>
        <p className={styles.phone}>{contact.phoneE164 ?? 'No number'}</p>
        {contact.email ? <p className={styles.muted}>{contact.email}</p> : null}
        <dl className={styles.facts}>
          <div>
            <dt>Marketing consent</dt>
            <dd>{CONSENT[contact.consent.marketing]}</dd>
          </div>
          <div>
            <dt>Transactional consent</dt>
            <dd>{CONSENT[contact.consent.transactional]}</dd>
          </div>
          {Object.entries(contact.fields).map(([key, value]) => (
            <div key={key}>
              <dt>{key.replaceAll('_', ' ')}</dt>
              <dd>
                {typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
                  ? String(value)
                  : JSON.stringify(value)}
              </dd>
            </div>
          ))}
        </dl>
        {contact.tags.length > 0 ? (
          <ul className={styles.tags} aria-label="Tags">
            {contact.tags.map((tag) => (
              <li key={tag}>{tag}</li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className={styles.panelSection} aria-labelledby="panel-automation">
        <h3 id="panel-automation" className={styles.panelHeading}>
          Automation
        </h3>
        {pause ? (
          <div className={styles.pauseBox} role="status">
            <p>
              Automation paused {pause.until ? `until ${untilLabel(pause.until, now)}` : 'until someone resumes it'}
              {pause.by ? ` by ${pause.by.name}` : ''}
              {pause.scope === 'workspace' ? ' (whole workspace)' : ''}
            </p>
            {canWrite && pause.scope === 'contact' ? (
              <button
                type="button"
                className="button button-primary button-small"
                onClick={() => void call(`/api/contacts/${contact.id}/resume`)}
              >
                Resume now
              </button>
            ) : null}
          </div>
        ) : (
          <p className={styles.running}>Automation is running for this customer.</p>
        )}
        {canWrite ? (
          <div className={styles.pauseControls}>
            <label htmlFor="pause-for">Pause for</label>
            <select id="pause-for" className={styles.select} value={pauseFor} onChange={(event) => setPauseFor(event.target.value)}>
              {PAUSE_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() =>
                void call(`/api/contacts/${contact.id}/pause`, {
                  hours: PAUSE_CHOICES.find((c) => c.value === pauseFor)?.hours ?? null,
                  reason: 'Paused from the inbox',
                })
              }
            >
              {pause ? 'Extend pause' : 'Pause automation'}
            </button>
          </div>
        ) : null}
        {problem ? <p role="alert">{problem}</p> : null}
        <h4 className={styles.subHeading}>Active runs</h4>
        {detail.executions.length === 0 ? (
          <p className={styles.muted}>No flow is running for this customer.</p>
        ) : (
          <ul className={styles.runs} aria-label="Active runs">
            {detail.executions.map((run) => (
              <li key={run.id}>
                <Link href={`/flows/${run.flowId}/executions/${run.id}`}>{run.flowName}</Link>
                <span className={styles.muted}>
                  {' '}
                  {run.waiting?.kind === 'hold' ? 'held' : run.status}
                  {run.step ? ` at ${run.step}` : ''} · since {waitingFor(run.waiting?.since ?? run.startedAt, now)}
                </span>
                {canWrite && held.includes(run) ? (
                  <button type="button" className={styles.linkButton} onClick={() => void call(`/api/executions/${run.id}/cancel`)}>
                    Stop {run.flowName}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {detail.orders.length > 0 ? (
        <section className={styles.panelSection} aria-labelledby="panel-orders">
          <h3 id="panel-orders" className={styles.panelHeading}>
            Orders
          </h3>
          <ul className={styles.runs}>
            {detail.orders.map((order) => (
              <li key={order.id}>
                #{order.externalId} · {order.status}
                {order.total ? ` · ${order.total} ${order.currency ?? ''}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </aside>
  );
}
