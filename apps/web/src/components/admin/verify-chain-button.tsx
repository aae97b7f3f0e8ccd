'use client';

import { useState } from 'react';
import type { z } from 'zod';
import { chainVerificationSchema } from '@/lib/audit-view';
import { callEngine } from '@/lib/editor/engine-client';
import styles from './admin.module.css';

type Verification = z.infer<typeof chainVerificationSchema>;

/** Asks the engine to recompute the whole hash chain and says what it found. */
export function VerifyChainButton() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Verification | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const verify = async () => {
    setBusy(true);
    setProblem(null);
    const answer = await callEngine('/api/audit/verify', chainVerificationSchema);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setResult(answer.data);
  };

  return (
    <>
      <button type="button" className="button button-secondary" disabled={busy} onClick={() => void verify()}>
        {busy ? 'Verifying…' : 'Verify chain'}
      </button>
      <div role="status" className={styles.result}>
        {problem ? <p className="notice notice-error">{problem}</p> : null}
        {result?.intact ? (
          <p className="notice">
            Chain intact: all {result.entries.toLocaleString('en')} entries match their hashes and link to the one before. Latest hash{' '}
            <span className={styles.mono}>{result.headHash ?? '—'}</span> (note it elsewhere to prove later that nothing before it changed).
          </p>
        ) : null}
        {result && !result.intact && result.firstBroken ? (
          <p className="notice notice-error">
            Chain broken at entry #{result.firstBroken.chainSeq} (id {result.firstBroken.id}): {result.firstBroken.reason}. Entries from
            there on cannot be trusted as recorded.
          </p>
        ) : null}
      </div>
    </>
  );
}
