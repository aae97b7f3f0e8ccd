'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { formatRelativeTime } from '@/lib/format-relative-time';
import {
  addNumber,
  describeTier,
  type MessageTemplate,
  rotateToken,
  setAppSecret,
  syncTemplates,
  type WhatsAppNumber,
} from '@/lib/settings/numbers';
import { ConfirmDialog } from '../confirm-dialog';
import styles from './settings.module.css';
import { StatusPill } from './status-pill';

type Replacing = { kind: 'token' | 'secret'; number: WhatsAppNumber } | null;

function numberLabel(number: WhatsAppNumber): string {
  return number.displayPhoneNumber ? `+${number.displayPhoneNumber.replace(/^\+/, '')}` : number.phoneNumberId;
}

/** The workspace's WhatsApp numbers, their health, credentials and message templates. */
export function NumbersAdmin({ numbers, templates }: { numbers: WhatsAppNumber[]; templates: MessageTemplate[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<Replacing>(null);
  const [secretValue, setSecretValue] = useState('');
  const [form, setForm] = useState({ phoneNumberId: '', displayPhoneNumber: '', wabaId: '', accessToken: '', appSecret: '' });
  const [formProblem, setFormProblem] = useState<string | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFormProblem(null);
    const answer = await addNumber({ ...form, appSecret: form.appSecret.trim() === '' ? undefined : form.appSecret });
    setBusy(false);
    if (!answer.ok) return setFormProblem(answer.message);
    setForm({ phoneNumberId: '', displayPhoneNumber: '', wabaId: '', accessToken: '', appSecret: '' });
    setMessage(`Number ${numberLabel(answer.data)} added. Its token is stored encrypted and will not be shown again.`);
    router.refresh();
  };

  const replace = async () => {
    if (!replacing) return;
    if (secretValue.trim().length === 0) return setProblem(`Enter the new ${replacing.kind === 'token' ? 'access token' : 'app secret'}.`);
    setBusy(true);
    setProblem(null);
    const answer =
      replacing.kind === 'token'
        ? await rotateToken(replacing.number.id, secretValue)
        : await setAppSecret(replacing.number.id, secretValue);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setMessage(
      `${replacing.kind === 'token' ? 'Access token' : 'App secret'} of ${numberLabel(replacing.number)} replaced. It is stored encrypted and will not be shown again.`,
    );
    setReplacing(null);
    setSecretValue('');
    router.refresh();
  };

  const sync = async (number: WhatsAppNumber) => {
    setBusy(true);
    setProblem(null);
    setMessage(null);
    const answer = await syncTemplates(number.id);
    setBusy(false);
    if (!answer.ok) return setProblem(`Template sync for ${numberLabel(number)} failed: ${answer.message}`);
    setMessage(`Templates of ${numberLabel(number)} synced: ${answer.data.synced} from WhatsApp, ${answer.data.removed} removed.`);
    router.refresh();
  };

  const wabaLabel = (wabaId: string) => {
    const owner = numbers.find((n) => n.wabaId === wabaId);
    return owner ? numberLabel(owner) : wabaId;
  };

  return (
    <>
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
      {problem && replacing === null ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      {numbers.length === 0 ? (
        <p className={styles.muted}>No number yet: add the first one below.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption className="visually-hidden">WhatsApp numbers</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Quality</th>
                <th scope="col">Messaging limit</th>
                <th scope="col">Access token</th>
                <th scope="col">App secret</th>
                <th scope="col">Templates</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {numbers.map((number) => (
                <tr key={number.id}>
                  <td>
                    <strong>{numberLabel(number)}</strong>
                    <div className={`${styles.muted} ${styles.mono}`}>
                      id {number.phoneNumberId}
                      {number.wabaId ? ` · WABA ${number.wabaId}` : ''}
                    </div>
                  </td>
                  <td>
                    <StatusPill value={number.qualityRating} empty="No event yet" />
                  </td>
                  <td>
                    {describeTier(number.messagingLimit)}
                    {number.limitsUpdatedAt ? <div className={styles.muted}>{formatRelativeTime(number.limitsUpdatedAt)}</div> : null}
                  </td>
                  <td>
                    <span className={styles.muted}>Set {formatRelativeTime(number.tokenUpdatedAt)}</span>
                  </td>
                  <td>
                    {number.appSecret === 'own' ? 'Its own' : "The deployment's"}
                    {number.appSecretUpdatedAt ? <div className={styles.muted}>{formatRelativeTime(number.appSecretUpdatedAt)}</div> : null}
                  </td>
                  <td>{number.templatesSyncedAt ? `Synced ${formatRelativeTime(number.templatesSyncedAt)}` : 'Never synced'}</td>
                  <td>
                    <div className={styles.rowActions}>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        disabled={busy}
                        aria-label={`Rotate the access token of ${numberLabel(number)}`}
                        onClick={() => setReplacing({ kind: 'token', number })}
                      >
                        Rotate token
                      </button>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        disabled={busy}
                        aria-label={`Replace the app secret of ${numberLabel(number)}`}
                        onClick={() => setReplacing({ kind: 'secret', number })}
                      >
                        Replace app secret
                      </button>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        disabled={busy}
                        aria-label={`Sync templates of ${numberLabel(number)} now`}
                        onClick={() => void sync(number)}
                      >
                        Sync now
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section className={styles.card} aria-labelledby="templates-title">
        <h2 id="templates-title">Message templates</h2>
        <p className={styles.hint}>
          Templates approved by Meta, kept in sync every few hours and whenever Meta reports a change; &ldquo;Sync now&rdquo; on a number
          fetches them at once.
        </p>
        {templates.length === 0 ? (
          <p className={styles.muted}>No templates yet. Create them in WhatsApp Manager, then press &ldquo;Sync now&rdquo;.</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <caption className="visually-hidden">Message templates</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Language</th>
                  <th scope="col">Category</th>
                  <th scope="col">Status</th>
                  <th scope="col">Account</th>
                  <th scope="col">Synced</th>
                </tr>
              </thead>
              <tbody>
                {templates.map((template) => (
                  <tr key={template.id}>
                    <td className={styles.mono}>{template.name}</td>
                    <td>{template.language}</td>
                    <td>{template.category.toLowerCase()}</td>
                    <td>
                      <StatusPill value={template.status} />
                      {template.statusReason ? <div className={styles.muted}>{template.statusReason}</div> : null}
                    </td>
                    <td>{wabaLabel(template.wabaId)}</td>
                    <td>{template.syncedAt ? formatRelativeTime(template.syncedAt) : <span className={styles.muted}>—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className={styles.card} aria-labelledby="add-number-title">
        <h2 id="add-number-title">Add a number</h2>
        <p className={styles.hint}>
          From the Meta app dashboard (WhatsApp → API setup). The token and the app secret are stored encrypted and never shown again.
        </p>
        <form onSubmit={(event) => void add(event)}>
          <div className={styles.formGrid}>
            <div className={styles.field}>
              <label htmlFor="number-id">Phone number id</label>
              <input
                id="number-id"
                className={styles.input}
                required
                inputMode="numeric"
                value={form.phoneNumberId}
                onChange={(e) => setForm({ ...form, phoneNumberId: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="number-display">Phone number</label>
              <input
                id="number-display"
                className={styles.input}
                placeholder="15550001234"
                value={form.displayPhoneNumber}
                onChange={(e) => setForm({ ...form, displayPhoneNumber: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="number-waba">WhatsApp Business Account id</label>
              <input
                id="number-waba"
                className={styles.input}
                inputMode="numeric"
                value={form.wabaId}
                onChange={(e) => setForm({ ...form, wabaId: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="number-token">Access token</label>
              <input
                id="number-token"
                className={styles.input}
                type="password"
                autoComplete="off"
                required
                value={form.accessToken}
                onChange={(e) => setForm({ ...form, accessToken: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="number-secret">App secret (optional)</label>
              <input
                id="number-secret"
                className={styles.input}
                type="password"
                autoComplete="off"
                value={form.appSecret}
                aria-describedby="number-secret-hint"
                onChange={(e) => setForm({ ...form, appSecret: e.target.value })}
              />
              <span id="number-secret-hint" className={styles.fieldHint}>
                Only if the number belongs to another Meta app than the deployment&apos;s
              </span>
            </div>
          </div>
          {formProblem ? (
            <p className="notice notice-error" role="alert">
              {formProblem}
            </p>
          ) : null}
          <div className={styles.formActions}>
            <button type="submit" className="button button-primary" disabled={busy}>
              Add number
            </button>
          </div>
        </form>
      </section>

      <ConfirmDialog
        open={replacing !== null}
        title={
          replacing
            ? `${replacing.kind === 'token' ? 'Rotate the access token' : 'Replace the app secret'} of ${numberLabel(replacing.number)}`
            : ''
        }
        confirmLabel={replacing?.kind === 'token' ? 'Replace token' : 'Replace secret'}
        busy={busy}
        problem={problem}
        onClose={() => {
          setReplacing(null);
          setSecretValue('');
          setProblem(null);
        }}
        onConfirm={() => void replace()}
      >
        <div className={styles.field}>
          <label htmlFor="replacement-secret">{replacing?.kind === 'token' ? 'New access token' : 'New app secret'}</label>
          <input
            id="replacement-secret"
            className={styles.input}
            type="password"
            autoComplete="off"
            value={secretValue}
            onChange={(e) => setSecretValue(e.target.value)}
          />
          <span className={styles.fieldHint}>
            The old one stops being used at once. The new one is stored encrypted and never shown again.
          </span>
        </div>
      </ConfirmDialog>
    </>
  );
}
