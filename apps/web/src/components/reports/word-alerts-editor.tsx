'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import { formatPercent } from '@/lib/reports/report-format';
import styles from './reports.module.css';
import { type WordAlert, wordAlertSchema } from './word-alert-schema';

interface Draft {
  term: string;
  direction: 'under' | 'over';
  /** Percent as typed (8 = 8 %). */
  percent: string;
  periodDays: string;
}

const EMPTY: Draft = { term: '', direction: 'under', percent: '8', periodDays: '7' };

function draftOf(alert: WordAlert): Draft {
  return {
    term: alert.term,
    direction: alert.direction,
    percent: String(Number((alert.threshold * 100).toFixed(2))),
    periodDays: String(alert.periodDays),
  };
}

function bodyOf(draft: Draft): string {
  return JSON.stringify({
    term: draft.term,
    direction: draft.direction,
    threshold: Number(draft.percent) / 100,
    periodDays: Number(draft.periodDays),
  });
}

/**
 * The workspace's watched-word alerts: each a word, under or over a share of
 * customer messages over the last N days. Add, change and remove them; the
 * engine checks them every minute and notifies the admins once per breach.
 */
export function WordAlertsEditor({ alerts: initial }: { alerts: WordAlert[] }) {
  const router = useRouter();
  // The list as the engine answered the last change (the server's list is read again on refresh).
  const [alerts, setAlerts] = useState<WordAlert[]>(initial);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const answer = await callEngine(editing ? `/api/reports/word-alerts/${editing}` : '/api/reports/word-alerts', wordAlertSchema, {
      method: editing ? 'PUT' : 'POST',
      body: bodyOf(draft),
    });
    setBusy(false);
    if (!answer.ok) {
      setMessage({ ok: false, text: answer.message });
      return;
    }
    const saved = answer.data;
    setAlerts((list) =>
      [...list.filter((a) => a.id !== saved.id), saved].sort(
        (a, b) => a.term.localeCompare(b.term) || a.direction.localeCompare(b.direction),
      ),
    );
    setMessage({
      ok: true,
      text: `${editing ? 'Changed' : 'Added'}: "${saved.term}" ${saved.direction} ${formatPercent(saved.threshold)}.`,
    });
    setEditing(null);
    setDraft(EMPTY);
    router.refresh();
  }

  async function remove(alert: WordAlert) {
    setBusy(true);
    const answer = await callEngine(`/api/reports/word-alerts/${alert.id}`, z.object({ removed: z.literal(true) }), { method: 'DELETE' });
    setBusy(false);
    setMessage(answer.ok ? { ok: true, text: `Removed: "${alert.term}".` } : { ok: false, text: answer.message });
    if (!answer.ok) return;
    setAlerts((list) => list.filter((a) => a.id !== alert.id));
    router.refresh();
  }

  return (
    <>
      <table className="table" aria-label="Watched words">
        <thead>
          <tr>
            <th scope="col">Word</th>
            <th scope="col">Alert when its share is</th>
            <th scope="col">Over the last</th>
            <th scope="col">Last check</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {alerts.length === 0 ? (
            <tr>
              <td colSpan={6}>No watched word yet.</td>
            </tr>
          ) : (
            alerts.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.term}</th>
                <td>
                  {a.direction} {formatPercent(a.threshold)}
                </td>
                <td>
                  {a.periodDays} day{a.periodDays === 1 ? '' : 's'}
                </td>
                <td>{a.lastShare === null ? 'not yet' : `${formatPercent(a.lastShare)} of ${a.lastMessages ?? 0} customer messages`}</td>
                <td>
                  {a.breachedAt ? (
                    <span className={styles.badgeWarning}>Breached</span>
                  ) : a.checkedAt === null ? (
                    'Not checked yet'
                  ) : (
                    'Within the threshold'
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => {
                      setEditing(a.id);
                      setDraft(draftOf(a));
                      setMessage(null);
                    }}
                  >
                    Edit<span className="visually-hidden"> {a.term}</span>
                  </button>{' '}
                  <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void remove(a)}>
                    Remove<span className="visually-hidden"> {a.term}</span>
                  </button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <form
        className={styles.filters}
        onSubmit={(event) => void save(event)}
        aria-label={editing ? 'Change the watched word' : 'Watch a word'}
      >
        <label>
          Word
          <input value={draft.term} required maxLength={100} onChange={(e) => setDraft({ ...draft, term: e.target.value })} />
        </label>
        <label>
          Alert when its share is
          <select value={draft.direction} onChange={(e) => setDraft({ ...draft, direction: e.target.value === 'over' ? 'over' : 'under' })}>
            <option value="under">under</option>
            <option value="over">over</option>
          </select>
        </label>
        <label>
          Share (%)
          <input
            type="number"
            min={0}
            max={100}
            step={0.1}
            required
            value={draft.percent}
            onChange={(e) => setDraft({ ...draft, percent: e.target.value })}
          />
        </label>
        <label>
          Over the last (days)
          <input
            type="number"
            min={1}
            max={90}
            step={1}
            required
            value={draft.periodDays}
            onChange={(e) => setDraft({ ...draft, periodDays: e.target.value })}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy}>
          {editing ? 'Save changes' : 'Add'}
        </button>
        {editing ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setEditing(null);
              setDraft(EMPTY);
            }}
          >
            Cancel
          </button>
        ) : null}
      </form>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} className={styles.note}>
          {message.text}
        </p>
      ) : null}
    </>
  );
}
