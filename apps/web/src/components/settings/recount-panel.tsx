'use client';

import { useEffect, useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { describeRecount, type Recount, recountAnswerSchema, recountStatusSchema } from '@/lib/reports/recount';
import styles from './settings.module.css';

const POLL_MS = 2000;

/**
 * Recounts the past service figures with the current business hours: a
 * change of the hours applies to what the rollups take in from then on, so
 * the history needs a rebuild. Shows the recount's state and, while the
 * rollup job rebuilds, its progress (polled every 2 s).
 */
export function RecountPanel({ initial }: { initial: Recount | null }) {
  const [recount, setRecount] = useState<Recount | null>(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const pending = recount !== null && recount.state !== 'finished';

  useEffect(() => {
    if (!pending) return undefined;
    const timer = setInterval(() => {
      void callEngine('/api/reports/recount', recountStatusSchema).then((answer) => {
        if (answer.ok) setRecount(answer.data.recount);
      });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending]);

  async function ask() {
    setBusy(true);
    setProblem(null);
    const answer = await callEngine('/api/reports/recount', recountAnswerSchema, { method: 'POST', body: '{}' });
    setBusy(false);
    if (answer.ok) setRecount(answer.data.recount);
    else setProblem(answer.message);
  }

  const { text, share } = describeRecount(recount);
  return (
    <section className={styles.card} aria-labelledby="recount-title">
      <h2 id="recount-title">Past figures</h2>
      <p className={styles.hint}>
        New hours apply to the conversations the reports take in from now on. Recount the past to apply them to the history too: the rollup
        job rebuilds every report of this workspace (minutes on millions of messages); the reports keep showing the old figures until it
        ends. Each request is in the audit trail.
      </p>
      <div className={styles.formActions}>
        <button
          type="button"
          className="button button-secondary"
          style={{ whiteSpace: 'nowrap' }}
          disabled={busy || pending}
          onClick={() => void ask()}
        >
          Recount past figures
        </button>
        {share !== null ? <progress aria-label="Recount progress" max={1} value={share} /> : null}
        <span role="status" className={styles.muted}>
          {text}
        </span>
        {problem ? (
          <span role="alert" className={styles.badgeDanger}>
            {problem}
          </span>
        ) : null}
      </div>
    </section>
  );
}
