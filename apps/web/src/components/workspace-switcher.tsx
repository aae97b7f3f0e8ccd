'use client';

import { useState } from 'react';
import { formatRole } from '@/lib/format-role';
import type { WorkspaceMembership } from '@/lib/session-user';
import styles from './app-header.module.css';

interface WorkspaceSwitcherProps {
  current: { id: string; name: string };
  memberships: WorkspaceMembership[];
}

/**
 * The workspace the session works in, and (for users who belong to several)
 * a list to switch: the engine moves the session, then a full navigation to
 * the home page drops every page the client router kept from the old one.
 */
export function WorkspaceSwitcher({ current, memberships }: WorkspaceSwitcherProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function switchTo(workspaceId: string): Promise<void> {
    if (workspaceId === current.id) return;
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/workspace', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId }),
      });
      if (response.ok) {
        window.location.assign('/');
        return;
      }
      setError(response.status === 404 ? 'You are no longer a member of that workspace.' : 'Could not switch. Try again.');
    } catch {
      setError('Parley could not be reached. Try again.');
    }
    setPending(false);
  }

  if (memberships.length < 2) {
    return (
      <span className={styles.workspace} title={current.name}>
        <span className="visually-hidden">Workspace: </span>
        {current.name}
      </span>
    );
  }
  return (
    <span className={styles.switcher}>
      <label className="visually-hidden" htmlFor="workspace-switcher">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        className={styles.switcherSelect}
        value={current.id}
        disabled={pending}
        onChange={(event) => void switchTo(event.target.value)}
      >
        {memberships.map((m) => (
          <option key={m.id} value={m.id}>
            {/* The current one's role is in the badge beside the email; the others say what you would be there. */}
            {m.id === current.id ? m.name : `${m.name} (${formatRole(m.role)})`}
          </option>
        ))}
      </select>
      {error ? (
        <span className={styles.switcherError} role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
