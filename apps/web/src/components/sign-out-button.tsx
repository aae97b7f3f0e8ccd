'use client';

import { useState } from 'react';
import styles from './sign-out-button.module.css';

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut(): Promise<void> {
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/logout', { method: 'POST', headers: { accept: 'application/json' } });
      // 401: the session had already ended, which is what the user wants anyway.
      if (response.ok || response.status === 401) {
        // A full navigation drops every page the client router kept in memory.
        window.location.assign('/login');
        return;
      }
      setError('Could not sign out. Try again.');
    } catch {
      setError('Parley could not be reached. Try again.');
    }
    setPending(false);
  }

  return (
    <div className={styles.wrapper}>
      {error ? (
        <span className={styles.error} role="alert">
          {error}
        </span>
      ) : null}
      <button type="button" className="button button-secondary button-small" onClick={() => void signOut()} disabled={pending}>
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}
