'use client';

import { useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { type OutgoingWebhookSigning, outgoingWebhookSigningSchema } from '@/lib/crm-views';
import styles from './crm.module.css';

/**
 * Zapier, Make, Pabbly or your own code can check that a "Send to webhook"
 * delivery came from this workspace: the key is shown only when asked for.
 */
export function OutgoingWebhookCard() {
  const [signing, setSigning] = useState<OutgoingWebhookSigning | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function reveal() {
    const answer = await callEngine('/api/crm/outgoing-webhook', outgoingWebhookSigningSchema);
    if (answer.ok) setSigning(answer.data);
    else setError(answer.message);
  }

  return (
    <section className={styles.card} aria-labelledby="outgoing-webhook-heading">
      <h2 id="outgoing-webhook-heading">Outgoing webhooks (Zapier, Make, Pabbly)</h2>
      <p className={styles.meta}>
        The “Send to webhook” step POSTs JSON signed with this workspace’s key, with an Idempotency-Key header that stays the same when a
        failed delivery is retried, so the receiver can ignore repeats.
      </p>
      {signing ? (
        <dl className={styles.signing}>
          <dt>Signing key</dt>
          <dd>
            <code aria-label="Signing key">{signing.signingSecret}</code>
          </dd>
          <dt>Signature header</dt>
          <dd>
            <code>{signing.signatureHeader}</code>: {signing.scheme}
          </dd>
          <dt>Also sent</dt>
          <dd>
            <code>{signing.timestampHeader}</code> (refuse deliveries older than a few minutes) and <code>{signing.idempotencyHeader}</code>{' '}
            (the same on every retry of one step)
          </dd>
        </dl>
      ) : (
        <div className={styles.actions}>
          <button className="button button-secondary" type="button" onClick={() => void reveal()}>
            Show signing key
          </button>
        </div>
      )}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  );
}
