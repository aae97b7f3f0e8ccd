'use client';

import { useCallback, useEffect, useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { type CrmConflict, crmConflictListSchema, crmConflictSchema, FIELD_LABEL } from '@/lib/crm-views';
import styles from './crm.module.css';

function when(value: string): string {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

function sourceLabel(source: string): string {
  return source === 'parley'
    ? 'Parley'
    : source === 'hubspot'
      ? 'HubSpot'
      : source === 'salesforce'
        ? 'Salesforce'
        : source === 'zoho'
          ? 'Zoho CRM'
          : source;
}

/** /contacts/review: fields changed in Parley and in the CRM; the later change was applied, a person confirms or corrects it. */
export function ConflictReview() {
  const [conflicts, setConflicts] = useState<CrmConflict[] | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'info'; text: string } | null>(null);
  const [editing, setEditing] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const answer = await callEngine('/api/crm/conflicts?status=open', crmConflictListSchema);
    if (answer.ok) setConflicts(answer.data.data);
    else setMessage({ tone: 'error', text: answer.message });
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function resolve(conflict: CrmConflict, decision: 'local' | 'remote' | 'edit' | 'dismiss') {
    setBusy(true);
    const body = decision === 'edit' ? { decision, value: editing[conflict.id] ?? '' } : { decision };
    const answer = await callEngine(`/api/crm/conflicts/${conflict.id}/resolve`, crmConflictSchema, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    setBusy(false);
    if (!answer.ok) {
      setMessage({ tone: 'error', text: answer.message });
      return;
    }
    const who = conflict.contactName ?? 'the contact';
    const text =
      decision === 'dismiss'
        ? `Dismissed the ${FIELD_LABEL[conflict.field].toLowerCase()} conflict of ${who}.`
        : `${FIELD_LABEL[conflict.field]} of ${who} is now “${answer.data.resolvedValue ?? ''}”, in Parley and the CRM.`;
    setMessage({ tone: 'info', text });
    setEditing(({ [conflict.id]: _dropped, ...rest }) => rest);
    await load();
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Sync conflicts</h1>
          <p className="page-subtitle">
            The same field changed in Parley and in the CRM. The later change was applied; confirm it, take the other value, or correct it.
          </p>
        </div>
        {conflicts ? <p className="page-count">{conflicts.length === 1 ? '1 to review' : `${conflicts.length} to review`}</p> : null}
      </div>
      {message ? (
        <div
          className={`notice ${message.tone === 'error' ? 'notice-error' : ''} ${styles.status}`}
          role={message.tone === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      ) : null}
      {conflicts === null ? <p>Loading…</p> : null}
      {conflicts && conflicts.length === 0 ? <p className={styles.status}>Nothing to review: Parley and the CRM agree.</p> : null}
      {conflicts && conflicts.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Field</th>
              <th scope="col">In Parley</th>
              <th scope="col">In the CRM</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((conflict) => {
              const who = conflict.contactName ?? 'Contact';
              return (
                <tr key={conflict.id}>
                  <td>{who}</td>
                  <td>{FIELD_LABEL[conflict.field]}</td>
                  {[conflict.local, conflict.remote].map((side, index) => {
                    const won = (index === 0 ? 'local' : 'remote') === conflict.winner;
                    return (
                      <td key={side.source}>
                        <div className={styles.values}>
                          <span className={won ? styles.winner : undefined}>{side.value ?? '(empty)'}</span>
                          <span className={styles.meta}>
                            {sourceLabel(side.source)} · {when(side.changedAt)}
                            {won ? ' · applied (latest)' : ''}
                          </span>
                        </div>
                      </td>
                    );
                  })}
                  <td>
                    <div className={styles.actions}>
                      <button
                        className="button button-small button-secondary"
                        type="button"
                        disabled={busy}
                        aria-label={`Keep the Parley value for ${who}`}
                        onClick={() => void resolve(conflict, 'local')}
                      >
                        Keep Parley
                      </button>
                      <button
                        className="button button-small button-secondary"
                        type="button"
                        disabled={busy}
                        aria-label={`Keep the CRM value for ${who}`}
                        onClick={() => void resolve(conflict, 'remote')}
                      >
                        Keep CRM
                      </button>
                      <button
                        className="button button-small"
                        type="button"
                        disabled={busy}
                        aria-label={`Dismiss the conflict for ${who}`}
                        onClick={() => void resolve(conflict, 'dismiss')}
                      >
                        Dismiss
                      </button>
                    </div>
                    <div className={styles.editRow}>
                      <input
                        aria-label={`New value for ${who}`}
                        value={editing[conflict.id] ?? ''}
                        onChange={(event) => setEditing((current) => ({ ...current, [conflict.id]: event.target.value }))}
                        placeholder="Or type the right value"
                      />
                      <button
                        className="button button-small button-primary"
                        type="button"
                        disabled={busy || !(editing[conflict.id] ?? '').trim()}
                        aria-label={`Save the new value for ${who}`}
                        onClick={() => void resolve(conflict, 'edit')}
                      >
                        Save
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
