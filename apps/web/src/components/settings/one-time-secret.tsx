'use client';

import { useState } from 'react';
import styles from './settings.module.css';

/** A secret the engine shows only once (a key, a generated password): copy it now, it will not be shown again. */
export function OneTimeSecret({ label, value, onDone }: { label: string; value: string; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className={styles.secret} role="status">
      <strong>{label}</strong>
      <code aria-label={label}>{value}</code>
      <span className={styles.fieldHint}>Copy it now: Parley stores only a hash and will not show it again.</span>
      <div className={styles.rowActions}>
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
