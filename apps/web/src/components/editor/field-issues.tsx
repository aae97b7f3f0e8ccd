'use client';

import styles from './step-form.module.css';

/** The problems of one field, under it; `id` is what the field's aria-describedby points to. */
export function FieldIssues({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className={styles.issues}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
