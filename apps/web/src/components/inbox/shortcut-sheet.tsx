'use client';

import { useEffect, useRef } from 'react';
import styles from './inbox.module.css';

const SHORTCUTS: [string, string][] = [
  ['Alt + J', 'Next conversation'],
  ['Alt + K', 'Previous conversation'],
  ['Alt + L', 'Write a reply'],
  ['Alt + P', 'Write a private note'],
  ['Alt + E', 'Resolve'],
  ['Alt + M', 'Snooze until the customer writes'],
  ['Enter', 'Send (Shift + Enter: new line)'],
  ['Ctrl + /', 'Show or hide this sheet'],
];

/** The keyboard shortcuts of the inbox, as a dialog. */
export function ShortcutSheet({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className={styles.sheet} aria-labelledby="shortcut-title" onClose={onClose}>
      <h2 id="shortcut-title">Keyboard shortcuts</h2>
      <dl className={styles.shortcuts}>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" className="button button-secondary" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
