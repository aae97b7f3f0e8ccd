'use client';

import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import { ConfirmDialog } from '../confirm-dialog';
import styles from './contacts.module.css';

const exportSchema = z.object({
  exportedAt: z.string(),
  contact: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.array(z.unknown())),
});
const erasureSchema = z.object({ erasedAt: z.string(), alreadyErased: z.boolean(), changed: z.record(z.string(), z.number()) });

/**
 * The GDPR requests a customer can make, for admins: a copy of everything
 * Parley holds about the contact (a JSON file), and erasure of their personal
 * data (counts kept), which needs the word "erase" typed, as the API does.
 */
export function ContactPrivacyActions({ contactId, onErased }: { contactId: string; onErased(): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setStatus(null);
    const answer = await callEngine(`/api/contacts/${contactId}/export`, exportSchema);
    setBusy(false);
    if (!answer.ok) {
      setStatus(answer.message);
      return;
    }
    const url = URL.createObjectURL(new Blob([JSON.stringify(answer.data, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `contact-${contactId}-data.json`;
    link.click();
    URL.revokeObjectURL(url);
    const rows = Object.values(answer.data.data).reduce((n, table) => n + table.length, 0);
    setStatus(
      `Exported ${rows.toLocaleString('en')} rows from ${Object.keys(answer.data.data).length} tables (the export is in the audit trail).`,
    );
  }

  async function erase() {
    setBusy(true);
    setProblem(null);
    const answer = await callEngine(`/api/contacts/${contactId}/erase`, erasureSchema, {
      method: 'POST',
      body: JSON.stringify({ confirm: typed }),
    });
    setBusy(false);
    if (!answer.ok) {
      setProblem(answer.message);
      return;
    }
    setErasing(false);
    setTyped('');
    const rows = Object.values(answer.data.changed).reduce((n, count) => n + count, 0);
    setStatus(
      answer.data.alreadyErased
        ? 'This contact’s personal data had already been erased.'
        : `Personal data erased: ${rows.toLocaleString('en')} rows emptied; counts and reports keep them.`,
    );
    await onErased();
  }

  return (
    <section className={styles.card} aria-labelledby="privacy">
      <h2 id="privacy">Personal data (GDPR)</h2>
      <p className={styles.muted}>A customer may ask for a copy of their data, or for it to be erased.</p>
      <div className={styles.privacyActions}>
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => void download()}>
          Export personal data
        </button>
        <button type="button" className="button button-danger" disabled={busy} onClick={() => setErasing(true)}>
          Erase personal data…
        </button>
      </div>
      {status ? (
        <p role="status" className={styles.muted}>
          {status}
        </p>
      ) : null}
      <ConfirmDialog
        open={erasing}
        title="Erase this contact’s personal data?"
        confirmLabel="Erase personal data"
        danger
        busy={busy}
        problem={problem}
        onConfirm={() => void erase()}
        onClose={() => {
          setErasing(false);
          setTyped('');
          setProblem(null);
        }}
      >
        <p>
          Messages, events, runs, notes and media of this contact are emptied; counts and reports keep them. Active runs are cancelled. This
          cannot be undone.
        </p>
        <label htmlFor="erase-confirm">Type “erase” to confirm</label>
        <input
          id="erase-confirm"
          className={styles.confirmInput}
          autoComplete="off"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setProblem(null);
          }}
        />
      </ConfirmDialog>
    </section>
  );
}
