'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import type { ParkedWebhook } from '@/lib/explorer-view';
import styles from './admin.module.css';
import { ZonedTime } from './zoned-time';

const replayAnswer = z.object({ id: z.string(), replayed: z.boolean(), status: z.string() });

/**
 * The workspace's parked webhook deliveries, each with a Replay action: the
 * engine puts the stored delivery back on the normal ingest path (a second
 * click finds it replayed already and does nothing).
 */
export function ParkedWebhooks({ parked, timeZone }: { parked: ParkedWebhook[]; timeZone: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const replay = async (id: string) => {
    setBusy(id);
    setMessage(null);
    const answer = await callEngine(`/api/webhooks/parked/${encodeURIComponent(id)}/replay`, replayAnswer, { method: 'POST' });
    setBusy(null);
    if (!answer.ok) return setMessage({ ok: false, text: answer.message });
    setMessage({
      ok: true,
      text: answer.data.replayed
        ? `Delivery #${id} replayed: it is processed again now.`
        : `Delivery #${id} was replayed already (now ${answer.data.status}).`,
    });
    router.refresh();
  };

  return (
    <>
      {parked.length === 0 ? <span className={styles.statNote}>deliveries given up after retries</span> : null}
      {parked.length > 0 ? (
        <details>
          <summary className={styles.statNote}>Show and replay</summary>
          <ul className={styles.parkedList} aria-label="Parked webhook deliveries">
            {parked.map((w) => (
              <li key={w.id} className={styles.statNote}>
                #{w.id}, <ZonedTime iso={w.receivedAt} timeZone={timeZone} />, after {w.attempts} attempts:{' '}
                {w.lastError ?? 'no error recorded'}{' '}
                <button
                  type="button"
                  className="button button-secondary button-small"
                  disabled={busy !== null}
                  aria-label={`Replay delivery ${w.id}`}
                  onClick={() => void replay(w.id)}
                >
                  {busy === w.id ? 'Replaying…' : 'Replay'}
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {message ? (
        <p className={message.ok ? styles.statNote : 'notice notice-error'} role="status">
          {message.text}
        </p>
      ) : null}
    </>
  );
}
