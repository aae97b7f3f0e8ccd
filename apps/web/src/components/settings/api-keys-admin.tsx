'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { type ApiKey, createApiKey, revokeApiKey } from '@/lib/settings/api-keys';
import { ConfirmDialog } from '../confirm-dialog';
import { OneTimeSecret } from './one-time-secret';
import styles from './settings.module.css';

/** Keys for shops, CRMs and connectors that post events: created (shown once), last use, revoke. */
export function ApiKeysAdmin({ keys, hooks }: { keys: ApiKey[]; hooks: { flowId: string; name: string; url: string }[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [shown, setShown] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const answer = await createApiKey(name);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setCreated({ name: answer.data.name, key: answer.data.key });
    setName('');
    router.refresh();
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setProblem(null);
    const answer = await revokeApiKey(revoking.id);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setRevoking(null);
    router.refresh();
  };

  return (
    <>
      {created ? <OneTimeSecret label={`API key “${created.name}”`} value={created.key} onDone={() => setCreated(null)} /> : null}
      <section className={styles.card} aria-labelledby="new-key-title">
        <h2 id="new-key-title">Create a key</h2>
        <p className={styles.hint}>
          Name it after the system that will use it. It sends the key in the <code>X-Api-Key</code> header and may only post events (
          <code>POST /api/crm/events</code>) and replay parked webhooks (<code>POST /api/webhooks/parked/:id/replay</code>).
        </p>
        <form onSubmit={(event) => void create(event)} className={styles.formGrid}>
          <div className={styles.field}>
            <label htmlFor="key-name">Name</label>
            <input id="key-name" className={styles.input} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className={styles.inlineAction}>
            <button type="submit" className="button button-primary" disabled={busy}>
              Create key
            </button>
          </div>
        </form>
        {problem && revoking === null ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
      </section>
      {keys.length === 0 ? (
        <p className={styles.muted}>No API keys yet.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    {formatRelativeTime(key.createdAt)}
                    {key.createdBy ? <div className={styles.muted}>by {key.createdBy}</div> : null}
                  </td>
                  <td>{key.lastUsedAt ? formatRelativeTime(key.lastUsedAt) : <span className={styles.muted}>Never</span>}</td>
                  <td>
                    {key.revoked ? (
                      <span className={`${styles.status} ${styles.statusBad}`}>Revoked</span>
                    ) : (
                      <span className={`${styles.status} ${styles.statusGood}`}>Active</span>
                    )}
                  </td>
                  <td>
                    {key.revoked ? null : (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={`Revoke ${key.name}`}
                        onClick={() => setRevoking(key)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className={styles.card} aria-labelledby="incoming-title">
        <h2 id="incoming-title">Incoming webhooks</h2>
        <p className={styles.hint}>
          A flow that starts with the &ldquo;Incoming webhook&rdquo; trigger has its own secret URL, listed here. It answers only while the
          flow is published: unpublish or archive the flow to close it.
        </p>
        {hooks.length === 0 ? (
          <p className={styles.muted}>No published flow starts on an incoming webhook.</p>
        ) : (
          <ul className={styles.hookList}>
            {hooks.map((hook) => (
              <li key={hook.flowId}>
                <Link href={`/flows/${hook.flowId}`}>{hook.name}</Link>
                {shown === hook.flowId ? (
                  <code className={styles.mono}>{hook.url}</code>
                ) : (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Show the webhook URL of ${hook.name}`}
                    onClick={() => setShown(hook.flowId)}
                  >
                    Show URL
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        danger
        busy={busy}
        problem={problem}
        onClose={() => {
          setRevoking(null);
          setProblem(null);
        }}
        onConfirm={() => void revoke()}
      >
        <p>Calls with this key are refused from now on. This cannot be undone: create a new key if it is needed again.</p>
      </ConfirmDialog>
    </>
  );
}
