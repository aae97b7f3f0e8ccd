'use client';

import { useRouter } from 'next/navigation';
import { type SubmitEvent, useId, useRef, useState } from 'react';
import { readErrorMessage } from '@/lib/read-error-message';
import styles from './login-form.module.css';

interface LoginFormProps {
  /** Same-site path to open after signing in (already checked on the server). */
  next: string;
}

type Phase = 'idle' | 'submitting' | 'redirecting';

async function readBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function failureMessage(status: number, body: unknown): string {
  const message = readErrorMessage(body);
  switch (status) {
    case 401:
      return message ?? 'Email or password is incorrect.';
    case 429:
      return message ?? 'Too many failed attempts. Try again in a few minutes.';
    case 400:
      return 'Enter your email address and password.';
    case 502:
    case 504:
      return `${message ?? 'The Parley engine is not reachable.'} Try again in a moment.`;
    default:
      return 'Something went wrong while signing you in. Try again in a moment.';
  }
}

export function LoginForm({ next }: LoginFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<{ message: string; credentials: boolean } | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (phase !== 'idle') return;
    setPhase('submitting');
    setError(null);
    let response: Response;
    try {
      response = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email: email.trim(), password }),
      });
    } catch {
      setError({ message: 'Parley could not be reached. Check your connection and try again.', credentials: false });
      setPhase('idle');
      return;
    }
    if (response.ok) {
      setPhase('redirecting');
      router.replace(next);
      return;
    }
    setError({ message: failureMessage(response.status, await readBody(response)), credentials: response.status === 401 });
    setPhase('idle');
    if (response.status === 401) {
      setPassword('');
      passwordRef.current?.focus();
    }
  }

  const busy = phase !== 'idle';
  return (
    <form className={styles.form} onSubmit={(event) => void handleSubmit(event)}>
      {error ? (
        <div id={errorId} className={styles.error} role="alert">
          {error.message}
        </div>
      ) : null}
      <div className={styles.field}>
        <label htmlFor="login-email" className={styles.label}>
          Email
        </label>
        <input
          id="login-email"
          className={styles.input}
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          required
          autoFocus
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
          }}
          aria-invalid={error?.credentials === true}
          aria-describedby={error ? errorId : undefined}
        />
      </div>
      <div className={styles.field}>
        <label htmlFor="login-password" className={styles.label}>
          Password
        </label>
        <input
          id="login-password"
          ref={passwordRef}
          className={styles.input}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
          }}
          aria-invalid={error?.credentials === true}
          aria-describedby={error ? errorId : undefined}
        />
      </div>
      <button type="submit" className={`button button-primary ${styles.submit}`} disabled={busy} aria-busy={busy}>
        {phase === 'submitting' ? 'Signing in…' : phase === 'redirecting' ? 'Opening Parley…' : 'Sign in'}
      </button>
    </form>
  );
}
