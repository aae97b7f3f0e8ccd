import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { ErrorNotice } from '@/components/error-notice';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';
import styles from './workspace.module.css';

/** Frame of every signed-in page: the header bar, and the session check behind it. */
export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  return (
    <div className={styles.shell}>
      <AppHeader
        user={me.ok ? me.data.user : null}
        workspace={me.ok ? (me.data.workspace ?? null) : null}
        memberships={me.ok ? me.data.memberships : []}
      />
      <main id="main" className={styles.main} tabIndex={-1}>
        {me.ok ? (
          children
        ) : (
          <div className="page">
            <ErrorNotice problem={me.problem} />
          </div>
        )}
      </main>
    </div>
  );
}
