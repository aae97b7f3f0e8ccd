'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import { savedViewSchema } from '@/lib/explorer-view';
import styles from './admin.module.css';

type SavedView = z.infer<typeof savedViewSchema>;

/** Your named filters: open one, save the current filter, delete one. */
export function SavedViews({ views, query }: { views: readonly SavedView[]; query: string }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const save = async () => {
    setProblem(null);
    const answer = await callEngine('/api/executions/views', savedViewSchema, { method: 'POST', body: JSON.stringify({ name, query }) });
    if (!answer.ok) return setProblem(answer.message);
    setName('');
    router.refresh();
  };

  const remove = async (id: string) => {
    const answer = await callEngine(`/api/executions/views/${id}`, z.unknown(), { method: 'DELETE' });
    if (!answer.ok) return setProblem(answer.message);
    router.refresh();
  };

  return (
    <section aria-label="Saved views" className={styles.toolbar}>
      <span className={styles.muted}>Saved views:</span>
      {views.length === 0 ? <span className={styles.muted}>none yet</span> : null}
      {views.map((view) => (
        <span key={view.id}>
          <Link href={`/executions?${view.query}`}>{view.name}</Link>{' '}
          <button
            type="button"
            className="button button-secondary button-small"
            aria-label={`Delete view ${view.name}`}
            onClick={() => void remove(view.id)}
          >
            ×
          </button>
        </span>
      ))}
      <form
        className={styles.filterActions}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label className="visually-hidden" htmlFor="saved-view-name">
          Name for this view
        </label>
        <input id="saved-view-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Name this filter" maxLength={100} />
        <button type="submit" className="button button-secondary button-small" disabled={name.trim().length === 0}>
          Save view
        </button>
      </form>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
